import type { ConvWeights } from '../../weights/types.js';
import { layersUpTo, type LayerName } from '../../vgg19.js';
import { GraphBuilder } from './graph-builder.js';
import {
  contentLoss,
  convInputGradient,
  convRelu,
  gramMatrix,
  maxPool,
  maxPoolGradient,
  maxPoolWithIndices,
  preprocess,
  preprocessGradient,
  reluGradient,
  styleLoss,
  tvLoss,
  type Pooled,
} from './ops.js';

/**
 * The three models the ONNX runtime runs, built from VGG19 conv weights. Image height and width are
 * symbolic, so one model serves every size. Graph inputs and outputs are named by the constants below.
 */

export type WeightsByLayer = ReadonlyMap<LayerName, ConvWeights>;

export const IMAGE = 'image';
export const FEATURES = 'features';
export const CONTENT_TARGET = 'content_target';
export const CONTENT_WEIGHT = 'content_weight';
export const STYLE_WEIGHT = 'style_weight';
export const TV_WEIGHT = 'tv_weight';
export const GRADIENT = 'gradient';
export const gramOutput = (i: number): string => `gram_${i}`;
export const styleTarget = (i: number): string => `style_target_${i}`;
export const styleLayerWeight = (i: number): string => `style_layer_weight_${i}`;

/** Pools sit between blocks, so a block's first conv (after block 1) reads a pooled map. */
function followsPool(layer: LayerName): boolean {
  return layer.endsWith('_conv1') && !layer.startsWith('block1_');
}

export function weightsOf(weights: WeightsByLayer, layer: LayerName): ConvWeights {
  const found = weights.get(layer);
  if (!found) throw new Error(`VGG19 weights for ${layer} are missing`);
  return found;
}

interface TracedLayer {
  readonly layer: LayerName;
  readonly weights: ConvWeights;
  /** Post-ReLU activations. */
  readonly output: string;
  /** The pool that fed this layer, and the activations it pooled. */
  readonly pool?: { readonly pooled: Pooled; readonly input: string };
}

/** VGG19 from the image to the deepest of `layers`, keeping what the backward pass needs. */
function forward(b: GraphBuilder, image: string, weights: WeightsByLayer, layers: readonly LayerName[]): TracedLayer[] {
  const traced: TracedLayer[] = [];
  let current = preprocess(b, image);
  for (const layer of layersUpTo(layers)) {
    const layerWeights = weightsOf(weights, layer);
    let pool: TracedLayer['pool'];
    if (followsPool(layer)) {
      pool = { pooled: maxPoolWithIndices(b, current), input: current };
      current = pool.pooled.output;
    }
    current = convRelu(b, current, layerWeights);
    traced.push({ layer, weights: layerWeights, output: current, ...(pool && { pool }) });
  }
  return traced;
}

/** VGG19 forward only: activations of each of `layers`, by name. */
function features(
  b: GraphBuilder,
  image: string,
  weights: WeightsByLayer,
  layers: readonly LayerName[],
): Map<LayerName, string> {
  const outputs = new Map<LayerName, string>();
  let current = preprocess(b, image);
  for (const layer of layersUpTo(layers)) {
    if (followsPool(layer)) current = maxPool(b, current);
    current = convRelu(b, current, weightsOf(weights, layer));
    outputs.set(layer, current);
  }
  return outputs;
}

/** image [H, W, 3] → features [h, w, C] at `layer` (HWC, with a leading 1). */
export function buildFeaturesModel(weights: WeightsByLayer, layer: LayerName): Uint8Array {
  const b = new GraphBuilder();
  const image = b.input(IMAGE, ['height', 'width', 3]);
  const activations = features(b, image, weights, [layer]).get(layer) as string;
  b.output(FEATURES, b.node('Transpose', [activations], { perm: [0, 2, 3, 1] }));
  return b.toBytes(`vgg19-features-${layer}`);
}

/** image [H, W, 3] → one Gram matrix per layer, outputs gram_0, gram_1, … */
export function buildGramsModel(weights: WeightsByLayer, layers: readonly LayerName[]): Uint8Array {
  const b = new GraphBuilder();
  const image = b.input(IMAGE, ['height', 'width', 3]);
  const activations = features(b, image, weights, layers);
  layers.forEach((layer, i) => {
    const { gram } = gramMatrix(b, activations.get(layer) as string, weightsOf(weights, layer).outChannels);
    b.output(gramOutput(i), gram);
  });
  return b.toBytes('vgg19-grams');
}

/**
 * The whole objective of losses.md and its gradient with respect to the image.
 * Inputs: image [H, W, 3]; content_target [h, w, C]; style_target_i [C_i, C_i]; scalar weights
 * content_weight, style_weight, tv_weight and style_layer_weight_i. Outputs: total, content, style, tv
 * (scalars, parts unweighted by α, β, τ as in losses.md) and gradient [H, W, 3].
 */
export function buildLossModel(
  weights: WeightsByLayer,
  contentLayer: LayerName,
  styleLayers: readonly LayerName[],
): Uint8Array {
  const b = new GraphBuilder();
  const image = b.input(IMAGE, ['height', 'width', 3]);
  const alpha = b.input(CONTENT_WEIGHT, []);
  const beta = b.input(STYLE_WEIGHT, []);
  const tau = b.input(TV_WEIGHT, []);
  const traced = forward(b, image, weights, [contentLayer, ...styleLayers]);
  const outputOf = (layer: LayerName): string => traced.find((t) => t.layer === layer)?.output as string;

  const lossGradients = new Map<LayerName, string[]>();
  const addGradient = (layer: LayerName, gradient: string): void => {
    lossGradients.set(layer, [...(lossGradients.get(layer) ?? []), gradient]);
  };

  const contentChannels = weightsOf(weights, contentLayer).outChannels;
  const contentTarget = b.input(CONTENT_TARGET, ['content_height', 'content_width', contentChannels]);
  const content = contentLoss(b, outputOf(contentLayer), contentTarget, alpha);
  addGradient(contentLayer, content.gradient);

  const styleParts = styleLayers.map((layer, i) => {
    const channels = weightsOf(weights, layer).outChannels;
    const target = b.input(styleTarget(i), [channels, channels]);
    const layerWeight = b.input(styleLayerWeight(i), []);
    const term = styleLoss(b, outputOf(layer), channels, target, b.node('Mul', [beta, layerWeight]));
    addGradient(layer, term.gradient);
    return b.node('Mul', [term.loss, layerWeight]);
  });
  const style = styleParts.length > 0 ? b.node('Sum', styleParts) : b.floats([0], []);
  const tv = tvLoss(b, image, tau);

  const total = b.node('Sum', [
    b.node('Mul', [content.loss, alpha]),
    b.node('Mul', [style, beta]),
    b.node('Mul', [tv.loss, tau]),
  ]);

  let downstream: string | undefined;
  for (const { layer, weights: layerWeights, output, pool } of [...traced].reverse()) {
    const incoming = [...(downstream ? [downstream] : []), ...(lossGradients.get(layer) ?? [])];
    const gradient = incoming.length === 1 ? (incoming[0] as string) : b.node('Sum', incoming);
    const input = convInputGradient(b, reluGradient(b, gradient, output), layerWeights);
    downstream = pool ? maxPoolGradient(b, input, pool.pooled, pool.input) : input;
  }
  const imageGradient = b.node('Add', [preprocessGradient(b, downstream as string), tv.gradient]);

  b.output('total', total);
  b.output('content', content.loss);
  b.output('style', style);
  b.output('tv', tv.loss);
  b.output(GRADIENT, imageGradient);
  return b.toBytes('vgg19-style-loss');
}
