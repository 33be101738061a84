import type { JobEvent, JobSpec } from '../job.js';
import type { LostReason } from '../restore.js';
import {
  cancelledLine,
  deliveredLine,
  doneLine,
  lostLine,
  madeWithLine,
  progressLine,
  queueLine,
  restoredQueueLine,
  RESULT_LOST,
  resultHereLine,
  startedLine,
} from '../messages.js';
import type { Headline, StatusButton, StatusView } from './view.js';

/** Every event but `done`, whose view waits until the platform has delivered the result (presentFinished). */
export type StatusEvent = Exclude<JobEvent, { type: 'done' }>;

/** The finished painting, and the words that go with it wherever the platform posts it. */
export interface FinishedPainting {
  readonly headline: Headline;
  readonly png: Buffer;
  /** How it was made, in one line: "Made with preset wave · strength 7 · size 512 · seed 0 · iterations 100 · 41 s". */
  readonly settings: string;
  /** How long it took, e.g. "Done in 4.2 s." */
  readonly done: string;
  /** Its remix buttons, for the message that carries the result. */
  readonly remixes: readonly StatusButton[];
}

/**
 * What became of the result: posted apart from the status message (`where` names the place, e.g. a thread
 * mention, when the status should point to it), to go on the status message itself, or lost.
 */
export type Delivery =
  /** `withRemixes`: the result's own message carries its remix buttons; otherwise the status message shows them. */
  | { readonly kind: 'posted'; readonly where?: string; readonly withRemixes?: boolean }
  | { readonly kind: 'on-status' }
  | { readonly kind: 'lost' };

export function headlineOf(spec: JobSpec): Headline {
  return { label: spec.label, requesterId: spec.requester.userId };
}

/** The view for one of a job's events; `jobId` is what its Cancel button stops. */
export function presentEvent(headline: Headline, jobId: string, event: StatusEvent): StatusView {
  const cancel: readonly StatusButton[] = [{ kind: 'cancel', jobId }];
  switch (event.type) {
    case 'queued':
      if (event.restored) {
        return { headline, stage: 'waiting', line: restoredQueueLine(event.position, event.etaMs), buttons: cancel };
      }
      return { headline, stage: 'waiting', line: queueLine(event.position, event.etaMs), buttons: cancel };
    case 'moved':
      return { headline, stage: 'waiting', line: queueLine(event.position, event.etaMs), buttons: cancel };
    case 'started':
      return { headline, stage: 'painting', line: startedLine(event.etaMs), buttons: cancel };
    case 'progress': {
      const { preview } = event.progress;
      return {
        headline,
        stage: 'painting',
        line: progressLine(event.progress),
        buttons: cancel,
        ...(preview ? { preview } : {}),
      };
    }
    case 'failed':
      return presentRefusal(headline, event.message);
    case 'cancelled':
      return { headline, stage: 'cancelled', line: cancelledLine(event.reason), buttons: [] };
  }
}

/** A job from before a restart that will not run again. */
export function presentLost(headline: Headline, reason: LostReason): StatusView {
  return presentRefusal(headline, lostLine(reason));
}

/** A request that ended before or instead of painting, with a message for the member. */
export function presentRefusal(headline: Headline, message: string): StatusView {
  return { headline, stage: 'failed', line: message, buttons: [] };
}

export function finishedPainting(
  spec: JobSpec,
  event: Extract<JobEvent, { type: 'done' }>,
  remixes: readonly StatusButton[] = [],
): FinishedPainting {
  const settings = madeWithLine(spec, event.result);
  return { headline: headlineOf(spec), png: event.png, settings, done: doneLine(event.result), remixes };
}

/** The last view of a job that finished, once its result has been delivered (or not). */
export function presentFinished(painting: FinishedPainting, delivery: Delivery): StatusView {
  const { headline, settings, done, remixes } = painting;
  switch (delivery.kind) {
    case 'posted': {
      const line = deliveredLine(done, delivery.where);
      // Where the result's message cannot carry buttons (a Slack file), the status says how it was made, with them.
      if (delivery.withRemixes || remixes.length === 0) return { headline, stage: 'done', line, buttons: [] };
      return { headline, stage: 'done', line: `${line}\n${settings}`, buttons: remixes };
    }
    case 'on-status':
      return { headline, stage: 'done', line: resultHereLine(settings), buttons: remixes, result: painting.png };
    case 'lost':
      return { headline, stage: 'failed', line: RESULT_LOST, buttons: [] };
  }
}
