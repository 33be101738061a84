import { describe, expect, it } from 'vitest';
import { createAdam } from '../../src/engine/optimizers/adam.js';
import { counted, illConditionedQuadratic, maxDistance, rosenbrock } from './problems.js';

describe('Adam', () => {
  it('minimises an ill-conditioned quadratic', async () => {
    const { objective, minimum } = illConditionedQuadratic(100, 1e4);
    const x = new Float32Array(100);
    const optimizer = createAdam(objective, { learningRate: 0.03 });
    let value = Number.NaN;
    for (let i = 0; i < 1000; i++) value = (await optimizer.step(x)).value;

    expect(maxDistance(x, minimum)).toBeLessThan(1e-3);
    expect(value).toBe((await objective(x)).value);
  });

  it('minimises 2-D Rosenbrock from (-1.2, 1)', async () => {
    const x = Float32Array.of(-1.2, 1);
    const optimizer = createAdam(rosenbrock, { learningRate: 0.03 });
    for (let i = 0; i < 3000; i++) await optimizer.step(x);
    expect(maxDistance(x, Float32Array.of(1, 1))).toBeLessThan(1e-3);
  });

  it('evaluates once per step, plus once for the starting point, and again after the caller edits x', async () => {
    const { objective, calls } = counted(rosenbrock);
    const optimizer = createAdam(objective, { learningRate: 0.01 });
    const x = Float32Array.of(-1.2, 1);
    expect((await optimizer.step(x)).evaluations).toBe(2);
    for (let i = 0; i < 9; i++) expect((await optimizer.step(x)).evaluations).toBe(1);
    expect(calls()).toBe(11);

    x[1] = 0;
    expect((await optimizer.step(x)).evaluations).toBe(2);
  });

  it('moves each coordinate by about the learning rate on its first step', async () => {
    const { objective } = illConditionedQuadratic(10, 1e4);
    const x = new Float32Array(10).fill(100);
    await createAdam(objective, { learningRate: 4 }).step(x);
    for (const value of x) expect(value).toBeCloseTo(96, 4);
  });

  it('is deterministic: the same start gives bit-identical iterates', async () => {
    const run = async (): Promise<number[]> => {
      const x = Float32Array.from({ length: 20 }, (_, i) => i / 10);
      const optimizer = createAdam(rosenbrock, { learningRate: 0.01 });
      const values: number[] = [];
      for (let i = 0; i < 50; i++) values.push((await optimizer.step(x)).value);
      return [...values, ...x];
    };
    expect(await run()).toEqual(await run());
  });

  it('rejects bad options', () => {
    expect(() => createAdam(rosenbrock, { learningRate: 0 })).toThrow(RangeError);
    expect(() => createAdam(rosenbrock, { beta1: 1 })).toThrow(RangeError);
    expect(() => createAdam(rosenbrock, { epsilon: -1 })).toThrow(RangeError);
  });
});
