import type { Progress } from '../../engine/types.js';

/** The whole percentage of the job's cost done, never rounded up to a 100 % that has not happened yet. */
export function progressPercent(progress: Progress): number {
  return Math.floor(Math.min(1, Math.max(0, progress.fraction)) * 100);
}
