import { AttachmentBuilder, ThreadAutoArchiveDuration, type Message, type MessageEditOptions, type ThreadChannel } from 'discord.js';
import type { RgbImage } from '../engine/types.js';
import { encodeImage } from '../images/encode.js';
import type { JobEvent, JobHandle, JobSpec } from '../jobs/job.js';
import {
  cancelledLine,
  doneLine,
  progressLine,
  queueLine,
  settingsLine,
  startedLine,
} from '../jobs/messages.js';
import { cancelRow } from './cancel-button.js';
import type { DiscordContext } from './context.js';
import { LiveMessage } from './live-message.js';
import type { StatusTarget } from './status-target.js';

/** What the status message should show; rendered into a Discord edit only when it is sent. */
interface StatusView {
  readonly text: string;
  readonly cancelJobId?: string;
  readonly preview?: RgbImage;
  readonly result?: Buffer;
  readonly clearImages?: boolean;
}

async function render(view: StatusView): Promise<MessageEditOptions> {
  const components = view.cancelJobId === undefined ? [] : [cancelRow(view.cancelJobId)];
  const image = view.result ?? (view.preview ? await encodeImage(view.preview, 'png') : undefined);
  if (image) {
    const name = view.result ? 'result.png' : 'preview.png';
    return { content: view.text, components, files: [new AttachmentBuilder(image, { name })], attachments: [] };
  }
  return { content: view.text, components, ...(view.clearImages ? { attachments: [] } : {}) };
}

/** The first line of every status message: what is being painted, and for whom. */
export function statusHeading(label: string, userId: string): string {
  return `🎨 **${label}** for <@${userId}>`;
}

/** Starts the thread a result goes to, on the message that asked for it. */
export function startResultThread(message: Message, name: string): Promise<ThreadChannel> {
  // Discord caps thread names at 100 characters.
  return message.startThread({ name: name.slice(0, 100), autoArchiveDuration: ThreadAutoArchiveDuration.OneDay });
}

export interface JobRun {
  readonly spec: JobSpec;
  readonly status: StatusTarget;
  /** The thread the result goes to; undefined (or a failure) puts it on the status message instead. */
  readonly resultThread: () => Promise<ThreadChannel | undefined>;
}

/**
 * Puts a job in line and keeps its status message up to date: place in line, progress with a
 * preview now and then, and at the end the result in its thread. Never blocks the queue: every
 * edit is fire-and-forget through a LiveMessage. Throws the queue's UserErrors (full, too many jobs).
 */
export function runJob(context: DiscordContext, run: JobRun): JobHandle {
  const { spec, status } = run;
  const { logger, config } = context;
  const live = new LiveMessage<StatusView>(
    async (view) => void (await status.edit(await render(view))),
    config.progressIntervalMs,
    logger,
    (older, newer) => (newer.preview || newer.result || !older.preview ? newer : { ...newer, preview: older.preview }),
  );
  const heading = statusHeading(spec.label, spec.requester.userId);
  let lastPreviewAt = 0;
  let jobId = '';

  const finishWithResult = async (event: Extract<JobEvent, { type: 'done' }>): Promise<void> => {
    const summary = `${settingsLine(spec.label, spec.options)}\n${doneLine(event.result)}`;
    const thread = await run.resultThread().catch((err: unknown) => {
      logger.warn({ err, jobId }, 'no thread for the result; posting it on the status message');
      return undefined;
    });
    const delivered: Message | undefined = thread
      ? await thread
          .send({
            content: `<@${spec.requester.userId}>, here's your painting!\n${summary}`,
            files: [new AttachmentBuilder(event.png, { name: 'result.png' })],
            allowedMentions: { users: [spec.requester.userId] },
          })
          .catch((err: unknown) => {
            logger.warn({ err, jobId }, 'posting the result in the thread failed');
            return undefined;
          })
      : undefined;
    if (thread && delivered) {
      await live.finish({ text: `${heading}\n✅ ${doneLine(event.result)} It's in the thread: ${thread.toString()}`, clearImages: true });
    } else {
      await live.finish({ text: `${heading}\n✅ Here it is!\n${summary}`, result: event.png });
    }
  };

  const onEvent = async (event: JobEvent): Promise<void> => {
    switch (event.type) {
      case 'queued':
      case 'moved':
        live.show({ text: `${heading}\n⏳ ${queueLine(event.position, event.etaMs)}`, cancelJobId: jobId });
        return;
      case 'started':
        live.show({ text: `${heading}\n🖌️ ${startedLine(event.etaMs)}`, cancelJobId: jobId });
        return;
      case 'progress': {
        const { preview } = event.progress;
        const withPreview = preview !== undefined && Date.now() - lastPreviewAt >= config.previewIntervalMs;
        if (withPreview) lastPreviewAt = Date.now();
        live.show({ text: `${heading}\n🖌️ ${progressLine(event.progress)}`, cancelJobId: jobId, ...(withPreview ? { preview } : {}) });
        return;
      }
      case 'done':
        await finishWithResult(event);
        return;
      case 'failed':
        await live.finish({ text: `${heading}\n⚠️ ${event.message}`, clearImages: true });
        return;
      case 'cancelled':
        await live.finish({ text: `${heading}\n✖️ ${cancelledLine(event.reason)}`, clearImages: true });
        return;
    }
  };

  const handle = context.deps.queue.submit(spec, onEvent);
  jobId = handle.id;
  return handle;
}

