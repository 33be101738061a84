import { AttachmentBuilder, ThreadAutoArchiveDuration, type Message, type ThreadChannel } from 'discord.js';
import type { JobHandle, JobSpec } from '../jobs/job.js';
import type { Reservation } from '../jobs/queue.js';
import { trackJob, type Delivery, type FinishedPainting, type StatusSurface } from '../jobs/status/index.js';
import type { DiscordContext } from './context.js';
import { statusReplyTo, type StatusTarget } from './status-target.js';
import { buttonRows, renderStatus } from './status-view.js';

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
  /** The member's place in line, which the job takes; for a job restored after a restart, its way back in line. */
  readonly reservation: Pick<Reservation, 'submit'>;
}

/** Posts the result in its thread and says where it went; anything that fails puts it on the status message. */
async function deliverToThread(context: DiscordContext, run: JobRun, painting: FinishedPainting): Promise<Delivery> {
  const { logger } = context;
  const { requesterId } = painting.headline;
  const thread = await run.resultThread().catch((err: unknown) => {
    logger.warn({ err }, 'no thread for the result; posting it on the status message');
    return undefined;
  });
  if (!thread) return { kind: 'on-status' };
  try {
    await thread.send({
      content: `<@${requesterId}>, here's your painting!\n${painting.settings}`,
      files: [new AttachmentBuilder(painting.png, { name: 'result.png' })],
      components: buttonRows(painting.remixes),
      allowedMentions: { users: [requesterId] },
    });
    return { kind: 'posted', where: thread.toString(), withRemixes: true };
  } catch (err) {
    logger.warn({ err }, 'posting the result in the thread failed; posting it on the status message');
    return { kind: 'on-status' };
  }
}

/**
 * Puts a job in line and keeps its Discord status message current: place in line, progress with a preview
 * now and then, and at the end the result in its thread. Throws the queue's UserErrors (full, too many jobs).
 */
export function runJob(context: DiscordContext, run: JobRun): JobHandle {
  const { config, logger } = context;
  let noted: string | undefined;
  // Kept in the journal each time it is a new message, so that after a restart the job can say there where it went.
  // Only called from the job's events, which the queue delivers after `submit` returned, so `handle` is set.
  const noteStatus = (): void => {
    const { message } = run.status;
    if (message === undefined || message.id === noted) return;
    noted = message.id;
    context.deps.queue.noteReplyTo(handle.id, statusReplyTo(message));
  };
  const surface: StatusSurface = {
    post: async (view) => {
      await run.status.post(await renderStatus(view));
      noteStatus();
    },
    edit: async (view) => {
      await run.status.edit(await renderStatus(view));
      noteStatus();
    },
    deliver: (painting) => deliverToThread(context, run, painting),
  };
  // Only Gatys jobs paint long enough for previews.
  const { spec } = run;
  const handle = trackJob({
    spec: spec.kind === 'gatys' ? { ...spec, previewIntervalMs: config.previewIntervalMs } : spec,
    surface,
    intervalMs: config.progressIntervalMs,
    logger,
    submit: (spec, listener) => run.reservation.submit(spec, listener),
    remixer: context.deps.remix,
  });
  return handle;
}
