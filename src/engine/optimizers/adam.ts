import { checkSize, evaluate, EvaluatedPoint } from './evaluated-point.js';
import type { Objective, Optimizer, StepResult } from './optimizer.js';

export interface AdamOptions {
  /** Roughly how far each coordinate moves per step, in x's units; the default suits images in 0..255. */
  readonly learningRate?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

interface Moments<D> {
  readonly point: EvaluatedPoint<D>;
  readonly first: Float32Array;
  readonly second: Float32Array;
}

class Adam<D> implements Optimizer<D> {
  private readonly learningRate: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private moments: Moments<D> | undefined;
  private steps = 0;

  constructor(
    private readonly objective: Objective<D>,
    options: AdamOptions,
  ) {
    this.learningRate = options.learningRate ?? 4;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    if (!(this.learningRate > 0 && Number.isFinite(this.learningRate))) {
      throw new RangeError(`Adam learningRate must be a positive number, got ${this.learningRate}.`);
    }
    for (const [name, beta] of [
      ['beta1', this.beta1],
      ['beta2', this.beta2],
    ] as const) {
      if (!(beta >= 0 && beta < 1)) throw new RangeError(`Adam ${name} must be in [0, 1), got ${beta}.`);
    }
    if (!(this.epsilon > 0)) throw new RangeError(`Adam epsilon must be positive, got ${this.epsilon}.`);
  }

  async step(x: Float32Array): Promise<StepResult<D>> {
    this.moments ??= {
      point: new EvaluatedPoint(this.objective, x.length),
      first: new Float32Array(x.length),
      second: new Float32Array(x.length),
    };
    const { point, first, second } = this.moments;
    checkSize(point.x.length, x);
    let evaluations = await point.syncTo(x);

    this.steps++;
    const firstCorrection = 1 - this.beta1 ** this.steps;
    const secondCorrection = 1 - this.beta2 ** this.steps;
    const g = point.gradient;
    for (let i = 0; i < x.length; i++) {
      const gi = g[i]!;
      const m = this.beta1 * first[i]! + (1 - this.beta1) * gi;
      const v = this.beta2 * second[i]! + (1 - this.beta2) * gi * gi;
      first[i] = m;
      second[i] = v;
      x[i] = x[i]! - (this.learningRate * (m / firstCorrection)) / (Math.sqrt(v / secondCorrection) + this.epsilon);
    }

    // Evaluated now rather than at the start of the next step, so the value reported is the new x's, as the contract says.
    const evaluation = await evaluate(this.objective, x);
    evaluations++;
    point.record(x, evaluation);
    // Never `converged`: even where x did not move, momentum built up earlier can move it on the next step.
    return { value: evaluation.value, detail: evaluation.detail, evaluations, converged: false };
  }
}

/**
 * Adam (Kingma & Ba) with bias correction. One evaluation per step, plus one on the first step for the starting point;
 * an x edited between steps is re-evaluated first.
 */
export function createAdam<D>(objective: Objective<D>, options: AdamOptions = {}): Optimizer<D> {
  return new Adam(objective, options);
}
