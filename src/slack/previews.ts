import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { encodeImage } from '../images/encode.js';
import { resizeImage } from '../images/resize.js';
import { isFinal, StatusUpdater, type StatusView } from '../jobs/status/index.js';
import { slackCall, slackErrorCode } from './logging.js';

/** Least time between two previews in a job's thread: each one is a new message there, and notifies its followers. */
export const PREVIEW_INTERVAL_MS = 30_000;

/** A glance at the painting so far, replaced within a minute: small, and JPEG. */
const PREVIEW_SIDE = 256;

/** What files.delete answers for a file that is already gone, which is all that deleting it was for. */
const ALREADY_GONE: ReadonlySet<string | undefined> = new Set(['file_not_found', 'file_deleted']);

/**
 * A job's preview files across a restart: `kept`, the one a job restored after a crash left in its thread, goes
 * before this job's first preview (or with its end); `onFile` hears of each new one, for the job's journal entry.
 */
export interface PreviewFiles {
  readonly kept?: string;
  readonly onFile?: (fileId: string) => void;
}

/**
 * A job's progress previews in its Slack thread: one preview message at a time, at most one every
 * PREVIEW_INTERVAL_MS, and none left once the job has ended.
 *
 * Slack cannot edit a message's files, so each preview is uploaded into the thread with files.uploadV2 and the one
 * before it is deleted with files.delete. The other way, one message whose image block points at each new file
 * (`slack_file`), does not hold up: uploadV2 returns before Slack has processed the file, and a block naming a file
 * Slack has not processed yet is refused (`invalid_blocks`) or shows no image, so it would need polling files.info.
 * Uploading into the thread needs nothing from the file after the call, and deleting needs only its id, which the
 * call returns (the message's ts it does not, since Slack shares the file later, so chat.delete is no option). A
 * preview is the file alone, with no comment, so that deleting the file leaves no words of ours behind.
 *
 * The pacing is a StatusUpdater's, over a "message" that is the current preview: posting or editing it replaces the
 * file, and the job's last view removes it. Nothing here throws: a failed preview is logged at warn and the next one
 * takes its place.
 */
export class SlackPreviews {
  readonly #client: webApi.WebClient;
  readonly #channel: string;
  readonly #threadTs: () => string | undefined;
  readonly #updater: StatusUpdater;
  /** The preview file in the thread now, if any. */
  #fileId: string | undefined;
  readonly #onFile: ((fileId: string) => void) | undefined;

  /**
   * Previews go into the thread `threadTs` names when asked (at each upload: a job's thread may be its status
   * message, posted after the job starts), and never to the channel's top level, which they would flood.
   */
  constructor(
    client: webApi.WebClient,
    channel: string,
    threadTs: () => string | undefined,
    log: Logger,
    files: PreviewFiles = {},
  ) {
    this.#client = client;
    this.#channel = channel;
    this.#threadTs = threadTs;
    this.#fileId = files.kept;
    this.#onFile = files.onFile;
    const replace = (view: StatusView): Promise<void> => this.#replace(view);
    this.#updater = new StatusUpdater(
      { post: replace, edit: replace },
      PREVIEW_INTERVAL_MS,
      log.child({ previews: true }),
    );
  }

  /** Follows a job's status: a view with a preview shows it in time, and the job's last view removes it. */
  follow(view: StatusView): void {
    if (isFinal(view)) void this.#updater.finish(view);
    else if (view.preview) this.#updater.show(view);
  }

  async #replace(view: StatusView): Promise<void> {
    const { preview } = view;
    const jpeg =
      preview && !isFinal(view) ? await encodeImage(await resizeImage(preview, PREVIEW_SIDE), 'jpeg') : undefined;
    // The old one goes first, so the thread never shows two; while it cannot be deleted, no new one is posted.
    if (this.#fileId !== undefined) {
      await this.#delete(this.#fileId);
      this.#fileId = undefined;
    }
    const threadTs = this.#threadTs();
    if (jpeg === undefined || threadTs === undefined) return;
    const uploaded = await slackCall(() =>
      this.#client.filesUploadV2({
        channel_id: this.#channel,
        thread_ts: threadTs,
        file: jpeg,
        filename: 'preview.jpg',
        title: 'Preview',
        alt_text: 'The painting so far',
      }),
    );
    this.#fileId = uploaded.files.flatMap((completed) => completed.files ?? [])[0]?.id;
    if (this.#fileId !== undefined) this.#onFile?.(this.#fileId);
  }

  #delete(file: string): Promise<void> {
    return slackCall(async () => {
      try {
        await this.#client.files.delete({ file });
      } catch (err) {
        if (!ALREADY_GONE.has(slackErrorCode(err))) throw err;
      }
    });
  }
}
