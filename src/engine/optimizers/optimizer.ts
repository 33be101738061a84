/**
 * What an objective tells the optimizer about one point: its value and gradient, and `detail`, anything the caller
 * wants back for the point a step keeps (stylize: the loss parts). The optimizer carries `detail` without reading it.
 */
export interface Evaluation<D> {
  readonly value: number;
  readonly gradient: Float32Array;
  readonly detail: D;
}

/**
 * A differentiable function of a flat vector.
 * Async because some runtimes (onnxruntime-node) only evaluate asynchronously.
 */
export type Objective<D = undefined> = (x: Float32Array) => Promise<Evaluation<D>>;

export interface StepResult<D = undefined> {
  /** Objective value at the new x. */
  readonly value: number;
  /** The objective's `detail` at the new x, whichever trial or earlier step evaluated it. */
  readonly detail: D;
  /** Objective evaluations this step used (L-BFGS's line search may use several, a stalled step none). */
  readonly evaluations: number;
  /**
   * True when the step could not move x: it was left as it was, and stepping again from the same x
   * will not change it, so the caller should stop.
   */
  readonly converged: boolean;
}

/** Minimises an objective in place, one iteration per call. */
export interface Optimizer<D = undefined> {
  step(x: Float32Array): Promise<StepResult<D>>;
}
