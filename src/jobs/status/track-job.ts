import type { Logger } from 'pino';
import type { JobEvent, JobHandle, JobListener, JobSpec } from '../job.js';
import type { Remixer } from '../remix/remixer.js';
import {
  finishedPainting,
  headlineOf,
  presentEvent,
  presentFinished,
  type Delivery,
  type FinishedPainting,
} from './presenter.js';
import { StatusUpdater, type StatusSink } from './updater.js';
import { isFinal, type StatusView } from './view.js';

/** A platform's side of a job's status: its status message, and where its results go. */
export interface StatusSurface extends StatusSink {
  /** Posts the finished painting where the platform puts results; a throw counts as lost. */
  deliver(painting: FinishedPainting): Promise<Delivery>;
}

export interface TrackedJob {
  readonly spec: JobSpec;
  readonly surface: StatusSurface;
  /** Least time between two edits of the status message. */
  readonly intervalMs: number;
  readonly logger: Logger;
  /** Puts the job in line with this listener: a reservation's `submit`, or the queue's. */
  readonly submit: (spec: JobSpec, listener: JobListener) => JobHandle;
  /** Offers the remix buttons a finished job's result gets; none without it. */
  readonly remixer?: Pick<Remixer, 'offers'> | undefined;
}

/**
 * Puts a job in line and keeps its status message current through to the delivered result. Never holds up
 * the queue: views go out through a StatusUpdater. Throws only what `submit` throws (full queue, too many jobs).
 */
export function trackJob(job: TrackedJob): JobHandle {
  const { spec, surface } = job;
  const headline = headlineOf(spec);
  const updater = new StatusUpdater(surface, job.intervalMs, job.logger);
  let jobId = '';
  let log = job.logger;

  const deliver = (painting: FinishedPainting): Promise<Delivery> =>
    surface.deliver(painting).catch((err: unknown): Delivery => {
      log.error({ err }, 'could not deliver the result');
      return { kind: 'lost' };
    });

  // A quiet job's member sees its place only when others are ahead of it, then just the result; how it failed
  // or was cancelled they are always told.
  const quiet = (view: StatusView, chatter: boolean): StatusView =>
    spec.quiet && chatter ? { ...view, quiet: true } : view;

  // Events arrive asynchronously, so the job's id is known by the first one.
  const listener = async (event: JobEvent): Promise<void> => {
    if (event.type === 'done') {
      const offers = job.remixer?.offers(spec) ?? [];
      const painting = finishedPainting(
        spec,
        event,
        offers.map((offer) => ({ kind: 'remix', jobId, ...offer })),
      );
      const delivery = await deliver(painting);
      log.info({ engineMs: event.result.ms, delivery: delivery.kind }, 'result delivered');
      const view = presentFinished(painting, delivery);
      // A quiet job's status still appears when it is where the result's remix buttons are (Slack's).
      await updater.finish(quiet(view, delivery.kind === 'posted' && view.buttons.length === 0));
      return;
    }
    const view = presentEvent(headline, jobId, event);
    if (isFinal(view)) await updater.finish(view);
    // A job back after a restart often starts at once; its member must still read that it was brought back.
    else if (event.type === 'queued' && event.restored) updater.announce(view);
    else updater.show(quiet(view, !('position' in event && event.position > 1)));
  };

  const handle = job.submit(spec, listener);
  jobId = handle.id;
  log = job.logger.child({ jobId });
  return handle;
}
