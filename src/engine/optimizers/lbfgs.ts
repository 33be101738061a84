// tfjs has no L-BFGS, so the engine brings its own: plain loops over Float32Arrays, independent of the runtime.
import { checkSize, evaluate, EvaluatedPoint } from './evaluated-point.js';
import type { Objective, Optimizer, StepResult } from './optimizer.js';
import { addScaled, addScaledThenDot, dot, maxAbs, moveAlong } from './vector.js';

export interface LbfgsOptions {
  /** Curvature pairs remembered; each costs two x-sized buffers. */
  readonly history?: number;
  /** Objective evaluations one line search may spend on a direction before giving up on it. */
  readonly maxLineSearch?: number;
  /**
   * How far the largest coordinate moves on the first trial step when there is no curvature to go by yet
   * (the first step, and after a reset), in x's own units. torch's min(1, 1/|g|₁) is avoided on purpose: it moves
   * a typical value by about 1/n (3e-7 at 1024×1024×3), below float32 resolution at pixel magnitudes (7.6e-6 at 128).
   */
  readonly initialStep?: number;
  /**
   * Applies a fixed symmetric positive definite P in place: the starting inverse Hessian becomes γ·P instead of γ·I,
   * and the steepest-descent step follows −P·g.
   */
  readonly preconditioner?: (v: Float32Array) => void;
}

/** Armijo constant: a step must win at least this fraction of the decrease its slope promises. */
const SUFFICIENT_DECREASE = 1e-4;
/** Strong Wolfe constant: a step is accepted once the slope has flattened to this fraction of the starting slope. */
const CURVATURE = 0.9;
/** Pairs whose y·s is this close to orthogonal carry no usable curvature and would make H indefinite. */
const MIN_PAIR_COSINE = 1e-10;
/** Bracket zooming keeps trial steps this fraction of the interval away from its ends, so it always shrinks. */
const ZOOM_MARGIN = 0.1;
/** Bracketing grows the step at most this much per evaluation. */
const MAX_EXTRAPOLATION = 10;

interface Trial<D> {
  readonly t: number;
  readonly value: number;
  /** Directional derivative along the search direction at t. */
  readonly slope: number;
  /** The objective's detail at t; the start of the search has its point's. */
  readonly detail: D;
}

/** The last `capacity` (s, y) pairs in a ring of buffers allocated once, as they are first needed. */
class CurvatureHistory {
  private readonly s: Float32Array[] = [];
  private readonly y: Float32Array[] = [];
  private readonly rho: number[] = [];
  private readonly alpha: number[];
  private newest = -1;
  private gamma = 1;
  size = 0;

  constructor(
    private readonly capacity: number,
    private readonly length: number,
    private readonly preconditioner?: (v: Float32Array) => void,
  ) {
    this.alpha = new Array<number>(capacity).fill(0);
  }

  clear(): void {
    this.size = 0;
    this.newest = -1;
  }

  /** Remembers s = x − xOld, y = g − gOld unless the pair fails the curvature condition; returns whether it was kept. */
  push(x: Float32Array, xOld: Float32Array, g: Float32Array, gOld: Float32Array): boolean {
    // Measured before storing: when the ring is full the slot to write holds the oldest pair, still in use if this one is rejected.
    let ys = 0;
    let yy = 0;
    let ss = 0;
    for (let i = 0; i < this.length; i++) {
      const si = Math.fround(x[i]! - xOld[i]!);
      const yi = Math.fround(g[i]! - gOld[i]!);
      ys += yi * si;
      yy += yi * yi;
      ss += si * si;
    }
    if (!(ys > MIN_PAIR_COSINE * Math.sqrt(yy * ss))) return false;

    const slot = (this.newest + 1) % this.capacity;
    if (this.s.length <= slot) {
      this.s.push(new Float32Array(this.length));
      this.y.push(new Float32Array(this.length));
      this.rho.push(0);
    }
    const s = this.s[slot]!;
    const y = this.y[slot]!;
    for (let i = 0; i < this.length; i++) {
      s[i] = x[i]! - xOld[i]!;
      y[i] = g[i]! - gOld[i]!;
    }
    this.rho[slot] = 1 / ys;
    this.gamma = ys / yy;
    this.newest = slot;
    this.size = Math.min(this.size + 1, this.capacity);
    return true;
  }

  /**
   * out = −H·g by the two-loop recursion, with H₀ = γI scaled by the newest pair. Each update of out also yields the
   * dot product the next pair needs, so every pair costs one pass per loop.
   */
  descentDirection(g: Float32Array, out: Float32Array): void {
    for (let i = 0; i < this.length; i++) out[i] = -g[i]!;
    const oldest = this.size - 1;
    let product = dot(this.s[this.slotBack(0)]!, out);
    for (let k = 0; k <= oldest; k++) {
      const slot = this.slotBack(k);
      const a = this.rho[slot]! * product;
      this.alpha[slot] = a;
      const next = k < oldest ? this.s[this.slotBack(k + 1)]! : this.y[this.slotBack(oldest)]!;
      product = addScaledThenDot(out, -a, this.y[slot]!, next);
    }
    this.preconditioner?.(out);
    for (let i = 0; i < this.length; i++) out[i] = out[i]! * this.gamma;
    product = this.preconditioner ? dot(this.y[this.slotBack(oldest)]!, out) : product * this.gamma;
    for (let k = oldest; k >= 0; k--) {
      const slot = this.slotBack(k);
      const coefficient = this.alpha[slot]! - this.rho[slot]! * product;
      if (k > 0) product = addScaledThenDot(out, coefficient, this.s[slot]!, this.y[this.slotBack(k - 1)]!);
      else addScaled(out, coefficient, this.s[slot]!);
    }
  }

  /** The slot of the pair `k` places older than the newest. */
  private slotBack(k: number): number {
    return (this.newest - k + this.capacity) % this.capacity;
  }
}

/**
 * Minimiser of the cubic through two trials' values and slopes, clamped to [low, high];
 * the interval's middle when the cubic has no minimiser or the numbers are not finite.
 */
function cubicStep<D>(a: Trial<D>, b: Trial<D>, low: number, high: number): number {
  const d1 = a.slope + b.slope - (3 * (a.value - b.value)) / (a.t - b.t);
  const d2Squared = d1 * d1 - a.slope * b.slope;
  let t = Number.NaN;
  if (d2Squared >= 0) {
    const d2 = Math.sqrt(d2Squared);
    t =
      a.t <= b.t
        ? b.t - (b.t - a.t) * ((b.slope + d2 - d1) / (b.slope - a.slope + 2 * d2))
        : a.t - (a.t - b.t) * ((a.slope + d2 - d1) / (a.slope - b.slope + 2 * d2));
  }
  return Number.isFinite(t) ? Math.min(Math.max(t, low), high) : (low + high) / 2;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`L-BFGS ${name} must be a positive integer, got ${value}.`);
  return value;
}

interface Buffers<D> {
  readonly point: EvaluatedPoint<D>;
  readonly history: CurvatureHistory;
  readonly direction: Float32Array;
  /** Gradient of the line search's best acceptable trial so far. */
  best: Float32Array;
  /** Gradient of the trial being evaluated. */
  trial: Float32Array;
}

class Lbfgs<D> implements Optimizer<D> {
  private readonly historySize: number;
  private readonly maxLineSearch: number;
  private readonly initialStep: number;
  private readonly preconditioner: ((v: Float32Array) => void) | undefined;
  private buffers: Buffers<D> | undefined;
  /** Set when the last step found no decrease; stepping again from the same x would only repeat the failure. */
  private stalled = false;

  constructor(
    private readonly objective: Objective<D>,
    options: LbfgsOptions,
  ) {
    this.historySize = positiveInteger('history', options.history ?? 10);
    this.maxLineSearch = positiveInteger('maxLineSearch', options.maxLineSearch ?? 8);
    this.initialStep = options.initialStep ?? 1;
    this.preconditioner = options.preconditioner;
    if (!(this.initialStep > 0 && Number.isFinite(this.initialStep))) {
      throw new RangeError(`L-BFGS initialStep must be a positive number, got ${this.initialStep}.`);
    }
  }

  async step(x: Float32Array): Promise<StepResult<D>> {
    const buffers = this.buffersFor(x);
    const { point, history, direction } = buffers;
    let evaluations = await point.syncTo(x);
    if (this.stalled && evaluations === 0) {
      return { value: point.value, detail: point.detail, evaluations, converged: true };
    }
    this.stalled = false;

    let accepted: Trial<D> | undefined;
    if (history.size > 0) {
      history.descentDirection(point.gradient, direction);
      const search = await this.lineSearch(buffers, x, 1);
      evaluations += search.evaluations;
      accepted = search.accepted;
      // The quasi-Newton model no longer describes the function here; start learning it afresh.
      if (accepted === undefined) history.clear();
    }
    if (accepted === undefined) {
      for (let i = 0; i < direction.length; i++) direction[i] = -point.gradient[i]!;
      this.preconditioner?.(direction);
      const steepness = maxAbs(direction);
      if (steepness > 0) {
        const search = await this.lineSearch(buffers, x, this.initialStep / steepness);
        evaluations += search.evaluations;
        accepted = search.accepted;
      }
    }
    if (accepted === undefined) {
      x.set(point.x);
      this.stalled = true;
      return { value: point.value, detail: point.detail, evaluations, converged: true };
    }

    history.push(x, point.x, buffers.best, point.gradient);
    point.record(x, { value: accepted.value, gradient: buffers.best, detail: accepted.detail });
    return { value: accepted.value, detail: accepted.detail, evaluations, converged: false };
  }

  private buffersFor(x: Float32Array): Buffers<D> {
    if (this.buffers === undefined) {
      const n = x.length;
      this.buffers = {
        point: new EvaluatedPoint(this.objective, n),
        history: new CurvatureHistory(this.historySize, n, this.preconditioner),
        direction: new Float32Array(n),
        best: new Float32Array(n),
        trial: new Float32Array(n),
      };
    }
    checkSize(this.buffers.point.x.length, x);
    return this.buffers;
  }

  /**
   * Strong Wolfe line search along `buffers.direction` from `buffers.point`, first trying step `firstStep`:
   * bracket a step that satisfies both conditions, then zoom in with safeguarded cubic interpolation.
   * An accepted step always lowers the value. On acceptance x holds the new point and `buffers.best` its gradient;
   * otherwise x is left on some trial point for the caller to restore.
   */
  private async lineSearch(
    buffers: Buffers<D>,
    x: Float32Array,
    firstStep: number,
  ): Promise<{ accepted?: Trial<D>; evaluations: number }> {
    const { point, direction } = buffers;
    const start: Trial<D> = { t: 0, value: point.value, slope: dot(point.gradient, direction), detail: point.detail };
    if (!(start.slope < 0)) return { evaluations: 0 };

    let evaluations = 0;
    let latest: Trial<D> | undefined;
    const probe = async (t: number): Promise<Trial<D>> => {
      evaluations++;
      moveAlong(x, point.x, t, direction);
      const { value, gradient, detail } = await evaluate(this.objective, x);
      buffers.trial.set(gradient);
      latest = { t, value, slope: dot(buffers.trial, direction), detail };
      return latest;
    };
    // The trial just probed becomes the one to fall back on: keep its gradient out of the next probe's way.
    const keep = (): void => {
      [buffers.best, buffers.trial] = [buffers.trial, buffers.best];
    };
    // Written so that NaN and ±Infinity values fail; the strict `< start.value` holds even when c1·t·slope underflows.
    const decreases = (p: Trial<D>): boolean =>
      p.value < start.value && p.value <= start.value + SUFFICIENT_DECREASE * p.t * start.slope;
    const flattened = (p: Trial<D>): boolean => Math.abs(p.slope) <= -CURVATURE * start.slope;
    const accept = (p: Trial<D>): { accepted: Trial<D>; evaluations: number } => {
      if (p !== latest) moveAlong(x, point.x, p.t, direction);
      return { accepted: p, evaluations };
    };

    // lo: the best trial so far that decreases enough (or the start); hi: the bracket's other end once one is known.
    let lo = start;
    let hi: Trial<D> | undefined;
    let t = firstStep;
    while (hi === undefined && evaluations < this.maxLineSearch) {
      const p = await probe(t);
      if (!decreases(p) || p.value >= lo.value) {
        hi = p;
        break;
      }
      keep();
      if (flattened(p)) return accept(p);
      if (p.slope >= 0) {
        hi = lo;
        lo = p;
        break;
      }
      t = cubicStep(lo, p, p.t + 0.01 * (p.t - lo.t), MAX_EXTRAPOLATION * p.t);
      lo = p;
    }

    while (hi !== undefined && evaluations < this.maxLineSearch) {
      const low = Math.min(lo.t, hi.t);
      const high = Math.max(lo.t, hi.t);
      const margin = ZOOM_MARGIN * (high - low);
      const p = await probe(cubicStep(lo, hi, low + margin, high - margin));
      if (!decreases(p) || p.value >= lo.value) {
        hi = p;
        continue;
      }
      keep();
      if (flattened(p)) return accept(p);
      if (p.slope * (hi.t - lo.t) >= 0) hi = lo;
      lo = p;
    }
    return lo.t > 0 ? accept(lo) : { evaluations };
  }
}

/**
 * L-BFGS with a strong Wolfe line search. Each step reuses the evaluation at the current x from the step before,
 * so a step whose first trial is accepted costs one evaluation. Steps never raise the value: when neither the
 * quasi-Newton nor the steepest-descent direction yields a decrease, x is left unchanged and the step reports `converged`.
 */
export function createLbfgs<D>(objective: Objective<D>, options: LbfgsOptions = {}): Optimizer<D> {
  return new Lbfgs(objective, options);
}
