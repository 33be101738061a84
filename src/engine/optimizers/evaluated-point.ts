import type { Evaluation, Objective } from './optimizer.js';
import { sameValues } from './vector.js';

/** Calls the objective and checks that its gradient fits x, since a mismatch would otherwise corrupt the step silently. */
export async function evaluate<D>(objective: Objective<D>, x: Float32Array): Promise<Evaluation<D>> {
  const result = await objective(x);
  if (result.gradient.length !== x.length) {
    throw new Error(`Objective returned a gradient of length ${result.gradient.length} for x of length ${x.length}.`);
  }
  return result;
}

/**
 * The point an optimizer evaluated last, with its value, detail and a private copy of its gradient (objectives may
 * reuse their output buffer). Keeping it lets each step start from the previous step's evaluation instead of paying
 * for another.
 */
export class EvaluatedPoint<D> {
  readonly x: Float32Array;
  readonly gradient: Float32Array;
  value = Number.NaN;
  detail!: D;
  private known = false;

  constructor(
    private readonly objective: Objective<D>,
    size: number,
  ) {
    this.x = new Float32Array(size);
    this.gradient = new Float32Array(size);
  }

  /**
   * Makes this hold the objective at x. Evaluates only when x differs from the point held, which happens on the
   * first step and when the caller edited x between steps. Returns the evaluations used (0 or 1).
   */
  async syncTo(x: Float32Array): Promise<number> {
    if (this.known && sameValues(this.x, x)) return 0;
    const evaluation = await evaluate(this.objective, x);
    if (!Number.isFinite(evaluation.value)) {
      throw new Error(`Objective value is ${evaluation.value} at the point the optimizer starts from.`);
    }
    this.record(x, evaluation);
    return 1;
  }

  record(x: Float32Array, { value, gradient, detail }: Evaluation<D>): void {
    this.x.set(x);
    this.gradient.set(gradient);
    this.value = value;
    this.detail = detail;
    this.known = true;
  }
}

/** Throws when a step is given a vector of another length than the one the optimizer was sized for. */
export function checkSize(expected: number, x: Float32Array): void {
  if (x.length !== expected) {
    throw new Error(
      `Optimizer was started on ${expected} values but stepped with ${x.length}; use a new optimizer per problem size.`,
    );
  }
}
