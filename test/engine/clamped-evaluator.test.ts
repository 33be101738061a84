import { describe, expect, it } from 'vitest';
import { clampedEvaluator } from '../../src/engine/clamped-evaluator.js';
import type { Evaluator } from '../../src/engine/runtimes/runtime.js';

/** total = Σ x², so the gradient is 2x; records what it was asked to evaluate. */
function squares(seen: Float32Array[]): Evaluator {
  return {
    evaluate(image) {
      seen.push(Float32Array.from(image));
      const total = image.reduce((sum, v) => sum + v * v, 0);
      return Promise.resolve({ losses: { total, content: 0, style: 0, tv: 0 }, gradient: image.map((v) => 2 * v) });
    },
    dispose() {},
  };
}

describe('clamped evaluator', () => {
  it('takes the loss of the pixels clamped to 0..255 and gives clamped pixels no gradient', async () => {
    const seen: Float32Array[] = [];
    const { losses, gradient } = await clampedEvaluator(squares(seen)).evaluate(Float32Array.of(-3, 10, 300));
    expect(Array.from(seen[0]!)).toEqual([0, 10, 255]);
    expect(losses.total).toBe(100 + 255 * 255);
    expect(Array.from(gradient)).toEqual([0, 20, 0]);
  });

  it('passes pixels inside the range straight through', async () => {
    const { gradient } = await clampedEvaluator(squares([])).evaluate(Float32Array.of(0, 1.5, 255));
    expect(Array.from(gradient)).toEqual([0, 3, 510]);
  });
});
