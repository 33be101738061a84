import type { Evaluation, Evaluator } from './runtimes/runtime.js';

/**
 * The loss of the picture that is saved: pixels clamped to 0..255 before the loss is taken (losses.md §8).
 * Without it the optimiser is scored on values it may push past the range, which the saved 8-bit image then loses;
 * on the quality bench, clamping lowered the style distance by ~0.01 at a cost of ≤0.01 content distance.
 * A clamped pixel has no effect on the loss, so its gradient is zero.
 */
export function clampedEvaluator(inner: Evaluator): Evaluator {
  let clamped = new Float32Array(0);
  return {
    async evaluate(image: Float32Array): Promise<Evaluation> {
      if (clamped.length !== image.length) clamped = new Float32Array(image.length);
      let outside = false;
      for (let i = 0; i < image.length; i++) {
        const v = image[i]!;
        if (v < 0 || v > 255) {
          clamped[i] = v < 0 ? 0 : 255;
          outside = true;
        } else {
          clamped[i] = v;
        }
      }
      const evaluation = await inner.evaluate(clamped);
      if (!outside) return evaluation;
      // A fresh array: the inner evaluator may hand out a buffer it reuses.
      const gradient = evaluation.gradient.slice();
      for (let i = 0; i < image.length; i++) if (image[i]! < 0 || image[i]! > 255) gradient[i] = 0;
      return { losses: evaluation.losses, gradient };
    },
    dispose: () => inner.dispose(),
  };
}
