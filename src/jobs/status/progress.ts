import type { Progress } from '../../engine/types.js';

/**
 * The share (0..1) of the job done so far. Until Progress carries the engine's cost-based `fraction`,
 * the share of iterations done stands in for it; this is the one place that knows.
 */
export function progressFraction(progress: Progress): number {
  const { iteration, iterations } = progress;
  if (!(iterations > 0)) return 0;
  return Math.min(1, Math.max(0, iteration / iterations));
}

/** The whole percentage done, never rounded up to a 100 % that has not happened yet. */
export function progressPercent(progress: Progress): number {
  return Math.floor(progressFraction(progress) * 100);
}
