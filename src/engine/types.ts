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
  /** Iterations between preview images in progress events; 0 turns previews off. */
  readonly previewEvery: number;
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
  /** Iterations done over all scales, and the total. */
  readonly iteration: number;
  readonly iterations: number;
  readonly losses: LossParts;
  readonly elapsedMs: number;
  readonly etaMs: number;
  /** A downscaled snapshot of the current image, at most 256 px on its longest side. */
  readonly preview?: RgbImage;
}

export interface StylizeResult {
  readonly image: RgbImage;
  readonly backend: string;
  readonly iterations: number;
  readonly ms: number;
  readonly losses: { readonly initial: LossParts; readonly final: LossParts };
}
