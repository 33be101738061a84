import type { Objective } from '../../src/engine/optimizers/optimizer.js';

/** An objective that counts how often it is called. */
export interface Counted {
  readonly objective: Objective;
  readonly calls: () => number;
}

export function counted(objective: Objective): Counted {
  let calls = 0;
  return {
    objective: async (x) => {
      calls++;
      return objective(x);
    },
    calls: () => calls,
  };
}

/** Chained Rosenbrock, Σ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²; its minimum is 0 at (1, …, 1). */
export const rosenbrock: Objective = (x) => {
  const gradient = new Float64Array(x.length);
  let value = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const xi = x[i]!;
    const next = x[i + 1]! - xi * xi;
    value += 100 * next * next + (1 - xi) * (1 - xi);
    gradient[i]! += -400 * xi * next - 2 * (1 - xi);
    gradient[i + 1]! += 200 * next;
  }
  return Promise.resolve({ value, gradient: Float32Array.from(gradient), detail: undefined });
};

/** ½ Σ aᵢ(xᵢ − cᵢ)² with curvatures aᵢ spread log-evenly over [1, condition]; its minimum is 0 at c. */
export function illConditionedQuadratic(
  size: number,
  condition: number,
): { objective: Objective; minimum: Float32Array } {
  const curvature = Float64Array.from({ length: size }, (_, i) => condition ** (i / (size - 1)));
  const minimum = Float32Array.from({ length: size }, (_, i) => Math.sin(i + 1) * 3);
  const objective: Objective = (x) => {
    const gradient = new Float32Array(x.length);
    let value = 0;
    for (let i = 0; i < x.length; i++) {
      const offset = x[i]! - minimum[i]!;
      value += 0.5 * curvature[i]! * offset * offset;
      gradient[i] = curvature[i]! * offset;
    }
    return Promise.resolve({ value, gradient, detail: undefined });
  };
  return { objective, minimum };
}

export function maxDistance(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
