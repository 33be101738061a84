import { describe, expect, it } from 'vitest';
import { fractionDone, jobCost } from '../../src/engine/cost.js';
import { DEFAULT_OPTIONS } from '../../src/engine/options.js';
import { planScales } from '../../src/engine/scales.js';

const options = (overrides: Partial<typeof DEFAULT_OPTIONS> = {}) => ({ ...DEFAULT_OPTIONS, ...overrides });

describe('the cost of a job', () => {
  it("follows stylize's schedule: pixels × iterations at each scale, plus each scale's set-up", () => {
    const cost = jobCost(1024, 768, options({ size: 512, iterations: 100 }));
    const plan = planScales(1024, 768, 512, 100);
    expect(cost.perScale.map(({ width, height, iterations }) => ({ width, height, iterations }))).toEqual(plan);
    for (const scale of cost.perScale) {
      expect(scale.perIteration).toBe(scale.width * scale.height);
      expect(scale.setup).toBeGreaterThan(scale.perIteration);
      expect(scale.total).toBe(scale.setup + scale.iterations * scale.perIteration);
    }
    expect(cost.total).toBe(cost.perScale.reduce((sum, scale) => sum + scale.total, 0));
  });

  it("weighs a default 512 px job's cheap coarse iterations at their pixels: under a third of their count's share", () => {
    const cost = jobCost(512, 512, options());
    const [coarse, middle] = planScales(512, 512, 512, DEFAULT_OPTIONS.iterations).map((s) => s.iterations);
    expect(cost.perScale).toHaveLength(3);
    const coarseShare = (coarse! + middle!) / DEFAULT_OPTIONS.iterations;
    // The 128 px and 256 px scales have 1/16 and 1/4 of the final scale's pixels.
    expect(fractionDone(cost, 1, middle!)).toBeLessThan(coarseShare / 3);
  });

  it('rises with every iteration, never falls across scales, and is exactly 1 at the end', () => {
    const jobs = [
      [640, 480, 512, 100, 0],
      [300, 900, 1024, 37, 0],
      [64, 64, 64, 5, 1],
      [500, 400, 256, 7, 3],
    ] as const;
    for (const [width, height, size, iterations, scales] of jobs) {
      const cost = jobCost(width, height, options({ size, iterations, scales }));
      let previous = 0;
      cost.perScale.forEach((scale, index) => {
        for (let done = 1; done <= scale.iterations; done++) {
          const fraction = fractionDone(cost, index, done);
          expect(fraction).toBeGreaterThan(previous);
          previous = fraction;
        }
      });
      expect(previous).toBe(1);
    }
  });

  it("counts each style image at its own size, capped by the runtime's largest side", () => {
    const square = { width: 1000, height: 1000 };
    const withStyles = (...styles: { width: number; height: number }[]) =>
      jobCost(1000, 1000, options({ size: 256, scales: 1 }), { styles }).total;
    // A second style adds its Grams; one of half the pixels adds half as much.
    const secondSquare = withStyles(square, square) - withStyles(square);
    expect(secondSquare).toBeGreaterThan(0);
    expect(withStyles(square, { width: 1000, height: 500 }) - withStyles(square)).toBeCloseTo(secondSquare / 2, 6);

    // style_scale=4 at 1024 px would be a 4096² style; the runtime's 1536 px caps it.
    const capped = jobCost(1024, 1024, options({ size: 1024, styleScale: 4, scales: 1 }), {
      styles: [square],
      maxSide: 1536,
    });
    const atCap = jobCost(1024, 1024, options({ size: 1024, styleScale: 1.5, scales: 1 }), { styles: [square] });
    expect(capped.total).toBe(atCap.total);
  });
});
