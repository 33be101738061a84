import type { Runtime } from '../../src/engine/runtimes/runtime.js';
import { toRgb } from '../../src/engine/pixels.js';
import type { RgbImage } from '../../src/engine/types.js';
import { observedRuntime } from './counting-runtime.js';

/** Where a job stands: time since it began, and the iteration under way. */
export interface Course {
  readonly ms: number;
  readonly iteration: number;
}

/** One picture a job evaluated, with where the job stood once its evaluation had returned. */
export interface Snapshot extends Course {
  /** Evaluations so far, at every scale. */
  readonly evaluation: number;
  /** The same weighted by their pixels relative to the final size's: the cost in full-size evaluations. */
  readonly fullSize: number;
  readonly image: RgbImage;
}

/**
 * A runtime that keeps every `every`-th picture evaluated at the final size `width` × `height` (the clamped image,
 * as it would be saved), so one long run can be scored at many points of its course. Copying is the only work it
 * adds inside the timed run; the scoring happens afterwards.
 */
export function snapshotRuntime(
  runtime: Runtime,
  size: { readonly width: number; readonly height: number },
  every: number,
  course: () => Course,
  snapshots: Snapshot[],
): Runtime {
  let evaluations = 0;
  let fullSize = 0;
  return observedRuntime(runtime, (spec, image) => {
    evaluations++;
    fullSize += (spec.width * spec.height) / (size.width * size.height);
    const final = spec.width === size.width && spec.height === size.height;
    if (final && evaluations % every === 0) {
      const snapshot = { ...course(), evaluation: evaluations, fullSize, image: toRgb(image, spec.width, spec.height) };
      snapshots.push(snapshot);
    }
  });
}

/**
 * The first of `snapshots` at least as close as `target` in both distances, found by bisection on the assumption that
 * a run only gets closer (L-BFGS lowers the loss at every step, and the loss is the yardstick's own measure), so a
 * long run is scored a handful of times rather than at every snapshot. Undefined if even the last one is not there.
 */
export async function firstReaching<S>(
  snapshots: readonly S[],
  reaches: (snapshot: S) => Promise<boolean>,
): Promise<S | undefined> {
  let low = 0;
  let high = snapshots.length;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (await reaches(snapshots[middle]!)) high = middle;
    else low = middle + 1;
  }
  return snapshots[low];
}
