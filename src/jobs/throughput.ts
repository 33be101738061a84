/**
 * Milliseconds per cost unit before any job has finished, per backend, from the README's measurements; on the
 * slow side, so the first estimates do not promise too much. `onnx`: a 1024 px default job (100 iterations) took
 * 10.8 min on two cores, and one 256² iteration takes 750 ms. `wasm`: 5.2 s per 256² iteration. The GPU figure is
 * about half a minute for a 512 px default job; `tfjs-node` and `cpu` are unmeasured and taken as 2× `onnx` and
 * 4× `wasm`.
 */
export const PRIOR_MS_PER_UNIT: Readonly<Record<string, number>> = {
  'tfjs-node-gpu': 1e-3,
  onnx: 0.0165,
  'tfjs-node': 0.033,
  wasm: 0.08,
  cpu: 0.32,
};
/** For a backend the table does not know. */
const UNKNOWN_BACKEND_MS_PER_UNIT = PRIOR_MS_PER_UNIT.onnx!;
/** Weight of the newest job; the rest is history, so one odd job does not swing every ETA. */
const SMOOTHING = 0.3;

/**
 * Learns how long jobs take, in milliseconds per cost unit, per backend and output size (a large image keeps less
 * of itself in cache, so its unit costs more), smoothed over the jobs that finished.
 */
export class Throughput {
  readonly #priors: Readonly<Record<string, number>>;
  /** Smoothed ms per unit by backend, then by size. */
  readonly #measured = new Map<string, Map<number, number>>();

  constructor(priors: Readonly<Record<string, number>> = PRIOR_MS_PER_UNIT) {
    this.#priors = priors;
  }

  /** The rate measured at this size, else at the nearest measured size, else the backend's prior. */
  msPerUnit(backend: string, size: number): number {
    const bySize = this.#measured.get(backend);
    const exact = bySize?.get(size);
    if (exact !== undefined) return exact;
    let nearest: number | undefined;
    let distance = Infinity;
    for (const [measuredSize, rate] of bySize ?? []) {
      const d = Math.abs(Math.log(measuredSize / size));
      if (d < distance) [nearest, distance] = [rate, d];
    }
    return nearest ?? this.#priors[backend] ?? UNKNOWN_BACKEND_MS_PER_UNIT;
  }

  estimateMs(backend: string, size: number, units: number): number {
    return this.msPerUnit(backend, size) * units;
  }

  /** A job of `units` at `size` took `ms` from start to result. */
  record(backend: string, size: number, units: number, ms: number): void {
    const measured = ms / units;
    if (!Number.isFinite(measured) || measured <= 0) return;
    const bySize = this.#measured.get(backend) ?? new Map<number, number>();
    const previous = bySize.get(size);
    bySize.set(size, previous === undefined ? measured : SMOOTHING * measured + (1 - SMOOTHING) * previous);
    this.#measured.set(backend, bySize);
  }
}
