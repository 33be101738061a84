import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { CancelOutcome, JobHandle, JobListener, JobSpec } from '../jobs/job.js';
import type { PlatformDeps } from '../jobs/platform.js';
import type { Reservation } from '../jobs/queue.js';
import type { JobRestorer, LostJob } from '../jobs/restore.js';
import {
  presentLost,
  trackJob,
  type Delivery,
  type FinishedPainting,
  type StatusSurface,
  type StatusView,
} from '../jobs/status/index.js';
import { jobView } from './blocks.js';
import { describeSlackError, slackCall } from './logging.js';
import { PREVIEW_INTERVAL_MS, SlackPreviews, type PreviewFiles } from './previews.js';
import { previewFileReplyTo, readPreviewFile, readSlackReplyTo, slackReplyTo } from './reply-to.js';

export const PLATFORM = 'slack';

/** Where a job's messages go: a channel, and the thread in it if there is one. */
export interface MessagePlace {
  readonly channel: string;
  readonly threadTs: string | undefined;
}

/** One job's status message in Slack (posted, then updated), its previews, and its result's upload into the thread. */
class SlackStatus implements StatusSurface {
  #ts: string | undefined;
  readonly #previews: SlackPreviews;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly place: MessagePlace,
    private readonly spec: JobSpec,
    private readonly log: Logger,
    previewFiles: PreviewFiles,
  ) {
    this.#previews = new SlackPreviews(client, place.channel, () => this.#threadTs(), log, previewFiles);
  }

  /** The job's thread: the one it was asked in, else the status message's. */
  #threadTs(): string | undefined {
    return this.place.threadTs ?? this.#ts;
  }

  async post(view: StatusView): Promise<void> {
    const { channel, threadTs } = this.place;
    const { text, blocks } = jobView(view);
    const posted = await slackCall(() =>
      this.client.chat.postMessage({ channel, text, blocks, ...(threadTs ? { thread_ts: threadTs } : {}) }),
    );
    this.#ts = posted.ts;
    this.#previews.follow(view);
  }

  async edit(view: StatusView): Promise<void> {
    const ts = this.#ts;
    if (ts === undefined) return;
    // Before the edit, so that an edit Slack refuses costs no preview.
    this.#previews.follow(view);
    const { text, blocks } = jobView(view);
    await slackCall(() => this.client.chat.update({ channel: this.place.channel, ts, text, blocks }));
  }

  /** Uploads the result into the job's thread. */
  async deliver(painting: FinishedPainting): Promise<Delivery> {
    const { place } = this;
    const { label, requester } = this.spec;
    const { userId } = requester;
    const threadTs = this.#threadTs();
    const destination = threadTs ? { channel_id: place.channel, thread_ts: threadTs } : { channel_id: place.channel };
    try {
      await this.client.filesUploadV2({
        ...destination,
        file: painting.png,
        filename: `easel-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.png`,
        title: label,
        initial_comment: `<@${userId}> here you go!\n${painting.settings}`,
      });
      return { kind: 'posted' };
    } catch (err) {
      this.log.error({ err: describeSlackError(err) }, 'could not upload the result');
      return { kind: 'lost' };
    }
  }
}

/**
 * Runs Slack users' jobs through the shared queue and keeps each one's status message current; after a restart it
 * brings them back, with a fresh status message in the job's channel and thread.
 */
export class SlackJobs implements JobRestorer {
  readonly #deps: PlatformDeps;
  readonly #client: webApi.WebClient;
  readonly #intervalMs: number;
  readonly #log: Logger;
  /** Unfinished jobs started from Slack, by id, with the user who asked. */
  readonly #active = new Map<string, string>();

  constructor(deps: PlatformDeps, client: webApi.WebClient, intervalMs: number, log: Logger) {
    this.#deps = deps;
    this.#client = client;
    this.#intervalMs = intervalMs;
    this.#log = log;
  }

  /**
   * Turns the member's reservation into `spec`'s job, posting in `place`, and returns its id; throws the queue's
   * UserErrors when it cannot take it. The place goes in the job's `replyTo`, for after a restart.
   */
  start(place: MessagePlace, spec: JobSpec, reservation: Reservation): string {
    const job = { ...spec, replyTo: slackReplyTo(place) };
    return this.#track(job, place, (s, listener) => reservation.submit(s, listener)).id;
  }

  restore(spec: JobSpec, submit: (spec: JobSpec, listener: JobListener) => JobHandle): JobHandle {
    return this.#track(spec, readSlackReplyTo(spec.replyTo), submit);
  }

  async reportLost(job: LostJob): Promise<void> {
    const { channel, threadTs } = readSlackReplyTo(job.replyTo);
    const { userId } = job.requester;
    const { text, blocks } = jobView(presentLost({ label: job.label, requesterId: userId }, job.reason));
    const mentioned = `<@${userId}> ${text}`;
    await slackCall(() =>
      this.#client.chat.postMessage({ channel, text: mentioned, blocks, ...(threadTs ? { thread_ts: threadTs } : {}) }),
    );
  }

  #track(spec: JobSpec, place: MessagePlace, submit: (spec: JobSpec, listener: JobListener) => JobHandle): JobHandle {
    const { userId } = spec.requester;
    const log = this.#log.child({ userId, channel: place.channel });
    const kept = readPreviewFile(spec.replyTo);
    // Noted in the journal, so that a job restored after a crash deletes the preview it left in its thread. Only
    // called from the job's events, which the queue delivers after `submit` returned, so `handle` is set.
    const onFile = (fileId: string): void => this.#deps.queue.noteReplyTo(handle.id, previewFileReplyTo(fileId));
    const handle: JobHandle = trackJob({
      // Only Gatys jobs paint long enough for previews, and the engine need render none that would not be posted.
      spec: spec.kind === 'gatys' ? { ...spec, previewIntervalMs: PREVIEW_INTERVAL_MS } : spec,
      surface: new SlackStatus(this.#client, place, spec, log, { ...(kept && { kept }), onFile }),
      intervalMs: this.#intervalMs,
      logger: log,
      submit,
      remixer: this.#deps.remix,
    });
    this.#active.set(handle.id, userId);
    void handle.done.then(() => this.#active.delete(handle.id));
    return handle;
  }

  cancel(jobId: string, userId: string): CancelOutcome {
    return this.#deps.queue.cancel(jobId, userId);
  }

  /** Cancels every unfinished Slack job of `userId`; returns how many there were. */
  cancelAllOf(userId: string): number {
    const mine = [...this.#active].filter(([, owner]) => owner === userId).map(([id]) => id);
    return mine.filter((id) => this.#deps.queue.cancel(id, userId) === 'cancelled').length;
  }
}
