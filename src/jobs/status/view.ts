import type { RgbImage } from '../../engine/types.js';
import type { RemixAction } from '../remix/actions.js';

/** Where a job stands, as far as what a member sees is concerned. */
export type JobStage = 'waiting' | 'painting' | 'done' | 'failed' | 'cancelled';

/**
 * A button under a status message or a result: `cancel` stops the job it names; `remix` queues a new job from that
 * job's inputs with one setting changed (src/jobs/remix), and says so with its `label`.
 */
export type StatusButton =
  | { readonly kind: 'cancel'; readonly jobId: string }
  | { readonly kind: 'remix'; readonly jobId: string; readonly action: RemixAction; readonly label: string };

/** What every status message leads with: what is being painted, and for whom. */
export interface Headline {
  readonly label: string;
  readonly requesterId: string;
}

/**
 * A job's status as a member should see it, in no platform's format: each platform renders it into its own
 * message (Discord edit options, Slack blocks …), so every platform tells the same story in the same words.
 */
export interface StatusView {
  readonly headline: Headline;
  readonly stage: JobStage;
  /** One line saying where the job stands: its place in line, its progress, or how it ended. */
  readonly line: string;
  /** Buttons to show; none once the job is over. */
  readonly buttons: readonly StatusButton[];
  /** The painting so far, on a progress view that carries one. */
  readonly preview?: RgbImage;
  /** The finished painting as PNG, when it goes on the status message itself. */
  readonly result?: Buffer;
  /** Not worth a message of its own: it only updates a status message already there, and never posts one. */
  readonly quiet?: boolean;
}

/** A view after which nothing else is shown: the job is over, one way or another. */
export function isFinal(view: StatusView): boolean {
  return view.stage === 'done' || view.stage === 'failed' || view.stage === 'cancelled';
}
