import type { FloatImage, LossParts, StyleLayer } from '../types.js';
import type { LayerName } from '../vgg19.js';

/**
 * A runtime computes VGG19 features and the style-transfer loss with its gradient.
 * Optimizers, scales and jobs only see this interface, so a new runtime is one new module.
 * Images are float RGB in 0..255; each runtime applies the caffe preprocessing itself.
 */
export interface Runtime {
  readonly name: string;
  /** Largest output side this runtime can handle within its memory limits. */
  readonly maxSide: number;
  /** Activations of `layer` as HWC floats. */
  features(image: FloatImage, layer: LayerName): Promise<Float32Array>;
  /** Gram matrices (C×C, row-major) of the activations at each layer; see losses.md for the normalisation. */
  grams(image: FloatImage, layers: readonly LayerName[]): Promise<Float32Array[]>;
  /** Prepares the loss for one image size; the returned evaluator owns any runtime memory until disposed. */
  evaluator(spec: EvaluatorSpec): Promise<Evaluator>;
  /** Tensors the runtime holds right now, where it keeps count; used to check that jobs leak nothing. */
  liveTensors?(): number;
  dispose(): void;
}

export interface LossWeights {
  readonly content: number;
  readonly style: number;
  readonly tv: number;
}

export interface EvaluatorSpec {
  readonly width: number;
  readonly height: number;
  readonly contentLayer: LayerName;
  /** Content activations at `contentLayer` for an image of width × height. */
  readonly contentTarget: Float32Array;
  readonly styleLayers: readonly StyleLayer[];
  /** One target Gram matrix per style layer, in the same order. */
  readonly styleTargets: readonly Float32Array[];
  readonly weights: LossWeights;
}

export interface Evaluation {
  readonly losses: LossParts;
  /** d(total)/d(image), same layout as the image. */
  readonly gradient: Float32Array;
}

export interface Evaluator {
  evaluate(image: Float32Array): Promise<Evaluation>;
  dispose(): void;
}
