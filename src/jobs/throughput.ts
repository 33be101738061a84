import type { RgbImage, StylizeOptions } from '../engine/types.js';

/** A guess before any job has finished: a 512 px, 100-iteration job on a GPU takes about half a minute. */
const PRIOR_MS_PER_UNIT = 1e-3;
/** Weight of the newest job; the rest is history, so one odd job does not swing every ETA. */
const SMOOTHING = 0.3;

/** Pixels of the result: the content image scaled so its longest side is `size`. */
function outputPixels(content: RgbImage, size: number): number {
  const scale = size / Math.max(content.width, content.height, 1);
  return Math.max(1, Math.round(content.width * scale)) * Math.max(1, Math.round(content.height * scale));
}

/**
 * Learns how long jobs take, in milliseconds per iteration·pixel, from the jobs that finished,
 * and predicts the duration of new ones.
 */
export class Throughput {
  #msPerUnit: number;
  #learned = false;

  constructor(priorMsPerUnit = PRIOR_MS_PER_UNIT) {
    this.#msPerUnit = priorMsPerUnit;
  }

  estimateMs(content: RgbImage, options: StylizeOptions): number {
    return this.#msPerUnit * options.iterations * outputPixels(content, options.size);
  }

  record(content: RgbImage, options: StylizeOptions, ms: number): void {
    const measured = ms / (options.iterations * outputPixels(content, options.size));
    if (!Number.isFinite(measured) || measured <= 0) return;
    this.#msPerUnit = this.#learned ? SMOOTHING * measured + (1 - SMOOTHING) * this.#msPerUnit : measured;
    this.#learned = true;
  }
}
