import { describe, expect, it } from 'vitest';
import { createLbfgs, type LbfgsOptions } from '../../src/engine/optimizers/lbfgs.js';
import type { Objective, StepResult } from '../../src/engine/optimizers/optimizer.js';
import { counted, illConditionedQuadratic, maxDistance, rosenbrock } from './problems.js';

/** Steps until within `tolerance` of `target` (or stalled), recording every result. */
async function minimise(
  objective: Objective,
  x: Float32Array,
  target: Float32Array,
  tolerance: number,
  maxSteps: number,
  options?: LbfgsOptions,
): Promise<StepResult[]> {
  const optimizer = createLbfgs(objective, options);
  const results: StepResult[] = [];
  while (results.length < maxSteps && maxDistance(x, target) >= tolerance) {
    const result = await optimizer.step(x);
    results.push(result);
    if (result.converged) break;
  }
  return results;
}

function expectMonotone(initial: number, results: readonly StepResult[]): void {
  let previous = initial;
  for (const { value } of results) {
    expect(value).toBeLessThanOrEqual(previous);
    previous = value;
  }
}

describe('L-BFGS', () => {
  it('solves 2-D Rosenbrock from (-1.2, 1) within 100 steps, never going uphill', async () => {
    const x = Float32Array.of(-1.2, 1);
    const results = await minimise(rosenbrock, x, Float32Array.of(1, 1), 1e-4, 100);

    expect(maxDistance(x, Float32Array.of(1, 1))).toBeLessThan(1e-4);
    expect(results.length).toBeLessThanOrEqual(100);
    expectMonotone((await rosenbrock(Float32Array.of(-1.2, 1))).value, results);
  });

  it('solves 1000-D chained Rosenbrock', async () => {
    const ones = new Float32Array(1000).fill(1);
    const x = new Float32Array(1000);
    const results = await minimise(rosenbrock, x, ones, 1e-4, 300);

    expect(maxDistance(x, ones)).toBeLessThan(1e-4);
    expectMonotone((await rosenbrock(new Float32Array(1000))).value, results);
  });

  describe('on a 100-D quadratic with condition number 1e4', () => {
    // Curvatures are spread log-evenly, 100 distinct values: the hard case for a limited-memory method.
    // scipy's L-BFGS-B (maxcor 10) needs ~650 iterations for 1e-5 here too.
    const { objective, minimum } = illConditionedQuadratic(100, 1e4);

    it('reaches the minimum to 1e-5, in far fewer steps than gradient descent needs', async () => {
      const x = new Float32Array(100);
      const results = await minimise(objective, x, minimum, 1e-5, 1000);
      expect(maxDistance(x, minimum)).toBeLessThan(1e-5);
      expectMonotone((await objective(new Float32Array(100))).value, results);

      // Gradient descent on a diagonal quadratic shrinks each error component by |1 − step·aᵢ| per step;
      // with its best fixed step 2/(1 + 1e4) the flattest component needs this many steps to reach the tolerance.
      const contraction = 1 - 2 / (1 + 1e4);
      const worstStart = Math.max(...Array.from(minimum, Math.abs));
      const gradientDescentSteps = Math.ceil(Math.log(1e-5 / worstStart) / Math.log(contraction));
      expect(results.length * 10).toBeLessThan(gradientDescentSteps);
    });

    it('averages close to one evaluation per step', async () => {
      const { objective: counting, calls } = counted(objective);
      const results = await minimise(counting, new Float32Array(100), minimum, 1e-5, 1000);

      expect(results.reduce((sum, r) => sum + r.evaluations, 0)).toBe(calls());
      expect(calls() / results.length).toBeLessThanOrEqual(1.5);
    });

    it('with the inverse curvatures as its preconditioner, needs only a few steps', async () => {
      const inverseCurvature = (v: Float32Array): void => {
        for (let i = 0; i < v.length; i++) v[i] = v[i]! / 1e4 ** (i / 99);
      };
      const x = new Float32Array(100);
      const results = await minimise(objective, x, minimum, 1e-5, 1000, { preconditioner: inverseCurvature });
      expect(maxDistance(x, minimum)).toBeLessThan(1e-5);
      expect(results.length).toBeLessThanOrEqual(5);
    });

    it('still converges with a history of 3 pairs', async () => {
      const x = new Float32Array(100);
      const results = await minimise(objective, x, minimum, 1e-4, 1000, { history: 3 });
      expect(maxDistance(x, minimum)).toBeLessThan(1e-4);
      expectMonotone((await objective(new Float32Array(100))).value, results);
    });
  });

  it('converges with a history of 3 pairs on 1000-D Rosenbrock', async () => {
    const ones = new Float32Array(1000).fill(1);
    const x = new Float32Array(1000);
    await minimise(rosenbrock, x, ones, 1e-4, 300, { history: 3 });
    expect(maxDistance(x, ones)).toBeLessThan(1e-4);
  });

  it('leaves x unchanged and reports convergence when the gradient points uphill', async () => {
    const { objective } = illConditionedQuadratic(10, 100);
    const { objective: lying, calls } = counted(async (x) => {
      const { value, gradient } = await objective(x);
      return { value, gradient: gradient.map((g) => -g), detail: undefined };
    });
    const start = Float32Array.from({ length: 10 }, (_, i) => i);
    const x = start.slice();
    const optimizer = createLbfgs(lying, { maxLineSearch: 5 });

    const first = await optimizer.step(x);
    expect(first.converged).toBe(true);
    expect(first.value).toBe((await objective(start)).value);
    expect(first.evaluations).toBe(calls());
    expect(Array.from(x)).toEqual(Array.from(start));

    const again = await optimizer.step(x);
    expect(again).toEqual({ value: first.value, evaluations: 0, converged: true });
  });

  it("returns the kept point's detail, not that of the last trial the line search rejected", async () => {
    // Pseudo-Huber, √(1 + x²): its slope hardly flattens, so the search extrapolates past the minimum at 0 and,
    // with no evaluations left, falls back on an earlier trial.
    const evaluated: number[] = [];
    const huber: Objective<number> = (x) => {
      evaluated.push(x[0]!);
      const value = Math.sqrt(1 + x[0]! ** 2);
      return Promise.resolve({ value, gradient: Float32Array.of(x[0]! / value), detail: x[0]! });
    };
    const x = Float32Array.of(5);
    const result = await createLbfgs(huber, { maxLineSearch: 2 }).step(x);
    expect(evaluated.at(-1)).not.toBe(x[0]);
    expect(result.detail).toBe(x[0]);
    expect(result.value).toBe(Math.sqrt(1 + x[0]! ** 2));
  });

  it("returns its point's detail from a stalled step that evaluates nothing", async () => {
    const { objective } = illConditionedQuadratic(10, 100);
    let evaluations = 0;
    const uphill: Objective<number> = async (x) => {
      const { value, gradient } = await objective(x);
      return { value, gradient: gradient.map((g) => -g), detail: ++evaluations };
    };
    const optimizer = createLbfgs(uphill, { maxLineSearch: 3 });
    const x = Float32Array.from({ length: 10 }, (_, i) => i);
    const first = await optimizer.step(x);
    const again = await optimizer.step(x);
    expect(again).toMatchObject({ evaluations: 0, converged: true, detail: 1 });
    expect(first.detail).toBe(1);
  });

  it('reports convergence at a stationary point without moving', async () => {
    const { objective, minimum } = illConditionedQuadratic(10, 100);
    const x = minimum.slice();
    const result = await createLbfgs(objective).step(x);
    expect(result).toEqual({ value: 0, evaluations: 1, converged: true });
    expect(Array.from(x)).toEqual(Array.from(minimum));
  });

  it('reuses the evaluation at x between steps, and re-evaluates when the caller edits x', async () => {
    const { objective: counting, calls } = counted(rosenbrock);
    const optimizer = createLbfgs(counting);
    const x = Float32Array.of(-1.2, 1);
    let evaluations = 0;
    for (let i = 0; i < 5; i++) evaluations += (await optimizer.step(x)).evaluations;
    expect(evaluations).toBe(calls());

    x[0] = 0.5;
    const edited = (await rosenbrock(x)).value;
    const before = calls();
    const result = await optimizer.step(x);
    expect(calls() - before).toBe(result.evaluations);
    expect(result.evaluations).toBeGreaterThanOrEqual(2);
    expect(result.value).toBeLessThan(edited);
    expect(result.value).toBe((await rosenbrock(x)).value);
  });

  it('is deterministic: the same start gives bit-identical iterates', async () => {
    const run = async (): Promise<number[]> => {
      const x = new Float32Array(50);
      const optimizer = createLbfgs(rosenbrock, { history: 4 });
      const values: number[] = [];
      for (let i = 0; i < 30; i++) values.push((await optimizer.step(x)).value);
      return [...values, ...x];
    };
    expect(await run()).toEqual(await run());
  });

  it('rejects a vector of another size than it started with, and bad options', async () => {
    const optimizer = createLbfgs(rosenbrock);
    await optimizer.step(Float32Array.of(0, 0));
    await expect(optimizer.step(Float32Array.of(0, 0, 0))).rejects.toThrow(/started on 2 values/);
    expect(() => createLbfgs(rosenbrock, { history: 0 })).toThrow(RangeError);
    expect(() => createLbfgs(rosenbrock, { maxLineSearch: 1.5 })).toThrow(RangeError);
    expect(() => createLbfgs(rosenbrock, { initialStep: Number.NaN })).toThrow(RangeError);
  });
});
