import ort from 'onnxruntime-node';
import type { Evaluation, Evaluator, EvaluatorSpec } from '../runtime.js';
import { featureSize, type LayerName } from '../../vgg19.js';
import {
  CONTENT_TARGET,
  CONTENT_WEIGHT,
  GRADIENT,
  IMAGE,
  STYLE_WEIGHT,
  TV_WEIGHT,
  styleLayerWeight,
  styleTarget,
} from './graphs.js';

/** Feeds of the loss model that stay fixed for one evaluator: targets and loss weights. */
export function constantFeeds(
  spec: EvaluatorSpec,
  channelsOf: (layer: LayerName) => number,
): Record<string, ort.Tensor> {
  const { contentLayer, contentTarget, styleLayers, styleTargets } = spec;
  const content = featureSize(contentLayer, spec.width, spec.height);
  const contentDims = [content.height, content.width, channelsOf(contentLayer)];
  expectLength(`content target at ${contentLayer}`, contentTarget, contentDims);
  if (styleTargets.length !== styleLayers.length) {
    throw new Error(`${styleTargets.length} style targets for ${styleLayers.length} style layers`);
  }

  const scalar = (value: number): ort.Tensor => new ort.Tensor('float32', Float32Array.of(value), []);
  const feeds: Record<string, ort.Tensor> = {
    [CONTENT_TARGET]: new ort.Tensor('float32', contentTarget, contentDims),
    [CONTENT_WEIGHT]: scalar(spec.weights.content),
    [STYLE_WEIGHT]: scalar(spec.weights.style),
    [TV_WEIGHT]: scalar(spec.weights.tv),
  };
  styleLayers.forEach(({ layer, weight }, i) => {
    const layerChannels = channelsOf(layer);
    const target = styleTargets[i] as Float32Array;
    expectLength(`style target at ${layer}`, target, [layerChannels, layerChannels]);
    feeds[styleTarget(i)] = new ort.Tensor('float32', target, [layerChannels, layerChannels]);
    feeds[styleLayerWeight(i)] = scalar(weight);
  });
  return feeds;
}

/** Evaluates the loss model for one image size; the session belongs to the runtime, which may share it. */
export class OnnxEvaluator implements Evaluator {
  private disposed = false;

  constructor(
    private readonly session: ort.InferenceSession,
    private readonly spec: EvaluatorSpec,
    private readonly feeds: Readonly<Record<string, ort.Tensor>>,
  ) {}

  async evaluate(image: Float32Array): Promise<Evaluation> {
    if (this.disposed) throw new Error('evaluate() after dispose()');
    const dims = [this.spec.height, this.spec.width, 3];
    expectLength('image', image, dims);
    const results = await this.session.run({ ...this.feeds, [IMAGE]: new ort.Tensor('float32', image, dims) });
    const scalar = (name: string): number => floats(results, name)[0] as number;
    return {
      losses: { total: scalar('total'), content: scalar('content'), style: scalar('style'), tv: scalar('tv') },
      gradient: floats(results, GRADIENT),
    };
  }

  dispose(): void {
    this.disposed = true;
  }
}

/** A float output of a model run. */
export function floats(results: ort.InferenceSession.OnnxValueMapType, name: string): Float32Array {
  const data = results[name]?.data;
  if (!(data instanceof Float32Array)) throw new Error(`the model has no float output "${name}"`);
  return data;
}

export function expectLength(what: string, data: Float32Array, dims: readonly number[]): void {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (data.length !== expected) {
    throw new Error(`${what} has ${data.length} values; expected ${dims.join('×')} = ${expected}`);
  }
}
