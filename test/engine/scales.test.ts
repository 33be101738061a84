import { describe, expect, it } from 'vitest';
import { autoScaleCount, fitDimensions, planScales, styleSide } from '../../src/engine/scales.js';

describe('coarse-to-fine schedule', () => {
  it('is on above 128 px, doubling from the coarsest scale up to the requested size', () => {
    expect([64, 128, 256, 512, 1024, 4096].map(autoScaleCount)).toEqual([1, 1, 2, 3, 4, 4]);
    const plan = planScales(1024, 768, 512, 100);
    expect(plan.map((s) => [s.width, s.height])).toEqual([
      [128, 96],
      [256, 192],
      [512, 384],
    ]);
  });

  it('spends exactly the requested iterations, most of them at the final scale', () => {
    for (const iterations of [1, 2, 7, 100, 333]) {
      const plan = planScales(800, 600, 1024, iterations);
      expect(plan.reduce((sum, s) => sum + s.iterations, 0)).toBe(iterations);
    }
    const [coarse, middle, fine] = planScales(400, 400, 512, 100);
    expect([coarse!.iterations, middle!.iterations, fine!.iterations]).toEqual([6, 6, 88]);
    // Few iterations over several scales: each scale still gets one.
    expect(planScales(400, 400, 512, 3, 3).map((s) => s.iterations)).toEqual([1, 1, 1]);
    expect(planScales(400, 400, 512, 9, 3).map((s) => s.iterations)).toEqual([1, 1, 7]);
  });

  it('honours an explicit number of scales and keeps every side at least 16 px', () => {
    const plan = planScales(1000, 100, 256, 10, 3);
    expect(plan).toHaveLength(3);
    expect(plan[0]).toMatchObject({ width: 64, height: 16 });
    expect(fitDimensions(1000, 100, 256)).toEqual({ width: 256, height: 26 });
  });

  it("sizes the style by the style scale, lowered for the whole job where the final scale would pass the runtime's cap", () => {
    expect(styleSide(256, 512, 2, 1536)).toBe(512);
    expect([512, 1024].map((side) => styleSide(side, 1024, 4, 1536))).toEqual([768, 1536]);
  });
});
