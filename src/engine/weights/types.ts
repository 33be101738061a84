import type { LayerName } from '../vgg19.js';

/** One conv layer's parameters, as stored by Keras: kernel [3, 3, in, out] row-major, bias [out]. */
export interface ConvWeights {
  readonly layer: LayerName;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
}

/** Where VGG19 weights come from: a local directory or an http(s) URL of a tfjs layers model.json. */
export interface WeightsSource {
  /** A directory holding model.json, or a URL of model.json (or of the directory that holds it). */
  readonly location: string;
  /** Where downloaded files are kept between runs. */
  readonly cacheDir: string;
  /** Expected sha256 (hex) per file name, checked when present. */
  readonly sha256?: Readonly<Record<string, string>>;
}
