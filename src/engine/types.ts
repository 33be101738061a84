import type { RgbImage } from '../images/rgb-image.js';
import type { LayerName } from './vgg19.js';

export type { RgbImage } from '../images/rgb-image.js';

/** An image as the optimizer sees it: float RGB in 0..255, HWC order. */
export interface FloatImage {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

export interface LossParts {
  readonly total: number;
  readonly content: number;
  readonly style: number;
  readonly tv: number;
}

export interface StyleLayer {
  readonly layer: LayerName;
  readonly weight: number;
}

export const OPTIMIZERS = ['lbfgs', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const INITS = ['content', 'noise'] as const;
export type InitName = (typeof INITS)[number];

export interface StylizeOptions {
  /** Longest side of the output, in pixels. */
  readonly size: number;
  /** Optimizer iterations summed over all scales. */
  readonly iterations: number;
  readonly optimizer: OptimizerName;
  readonly contentWeight: number;
  readonly styleWeight: number;
  readonly tvWeight: number;
  /** One weight per style image; normalised to sum to 1. */
  readonly styleBlend: readonly number[];
  /** Style image's longest side relative to the output's. */
  readonly styleScale: number;
  readonly init: InitName;
  readonly seed: number;
  readonly preserveColors: boolean;
  /** Number of coarse-to-fine scales; 0 picks one from the size. */
  readonly scales: number;
  readonly contentLayer: LayerName;
  readonly styleLayers: readonly StyleLayer[];
  readonly learningRate: number;
}

export interface StylizeRequest {
  readonly content: RgbImage;
  readonly styles: readonly RgbImage[];
  readonly options: StylizeOptions;
}

export interface Progress {
  /** 1-based scale index, and how many there are. */
  readonly scale: number;
  readonly scales: number;
  readonly width: number;
  readonly height: number;
  /**
   * Iterations done over all scales, and the total. A scale whose optimizer converged ends early; the iterations it
   * skipped count as done, so the last event says `iterations` of `iterations`.
   */
  readonly iteration: number;
  readonly iterations: number;
  /**
   * Share (0..1) of the whole job's cost done: pixels × iterations at each scale plus each scale's set-up (see
   * cost.ts), not the iteration count, since most iterations run at the cheap coarse scales. Never decreases; 1 at
   * the end.
   */
  readonly fraction: number;
  readonly losses: LossParts;
  readonly elapsedMs: number;
  /** Time left, from the time per cost unit so far; 0 at the end. */
  readonly etaMs: number;
  /** A snapshot of the current image, at most 256 px on its longest side; only where the caller asked for previews. */
  readonly preview?: RgbImage;
}

export interface StylizeResult {
  readonly image: RgbImage;
  readonly backend: string;
  /** Iterations run, fewer than asked for where a scale converged early. */
  readonly iterations: number;
  readonly ms: number;
  readonly losses: { readonly initial: LossParts; readonly final: LossParts };
}
