/**
 * A differentiable function of a flat vector: resolves to its value and gradient at x.
 * Async because some runtimes (onnxruntime-node) only evaluate asynchronously.
 */
export type Objective = (x: Float32Array) => Promise<{ value: number; gradient: Float32Array }>;

export interface StepResult {
  /** Objective value at the new x. */
  readonly value: number;
  /** Objective evaluations this step used (L-BFGS's line search may use several). */
  readonly evaluations: number;
  /**
   * True when no step could lower the value: x was left as it was, and stepping again from the same x
   * will not change it, so the caller can stop early.
   */
  readonly converged: boolean;
}

/** Minimises an objective in place, one iteration per call. */
export interface Optimizer {
  step(x: Float32Array): Promise<StepResult>;
}
