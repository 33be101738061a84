import type { OptimizerName } from '../types.js';
import { createAdam } from './adam.js';
import { createLbfgs } from './lbfgs.js';
import type { Objective, Optimizer } from './optimizer.js';

export type { Evaluation, Objective, Optimizer, StepResult } from './optimizer.js';

export interface OptimizerOptions {
  /** Adam's step size in x's units (pixels). L-BFGS ignores it: its step lengths come from curvature and its line search. */
  readonly learningRate: number;
  /** Curvature pairs L-BFGS remembers (default 10); Adam ignores it. */
  readonly history?: number;
  /** L-BFGS's starting inverse Hessian, up to scale (see LbfgsOptions); Adam ignores it. */
  readonly preconditioner?: (v: Float32Array) => void;
}

type OptimizerFactory = <D>(objective: Objective<D>, options: OptimizerOptions) => Optimizer<D>;

/** Adding an optimizer: one file exporting a factory, and one line here. */
export const optimizers: Record<OptimizerName, OptimizerFactory> = {
  lbfgs: (objective, { history, preconditioner }) =>
    createLbfgs(objective, { ...(history !== undefined && { history }), ...(preconditioner && { preconditioner }) }),
  adam: (objective, { learningRate }) => createAdam(objective, { learningRate }),
};
