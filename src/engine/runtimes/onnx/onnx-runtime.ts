import ort from 'onnxruntime-node';
import type { FloatImage } from '../../types.js';
import type { LayerName } from '../../vgg19.js';
import type { Evaluator, EvaluatorSpec, Runtime } from '../runtime.js';
import { constantFeeds, expectLength, floats, OnnxEvaluator } from './evaluator.js';
import {
  buildFeaturesModel,
  buildGramsModel,
  buildLossModel,
  FEATURES,
  gramOutput,
  IMAGE,
  weightsOf,
  type WeightsByLayer,
} from './graphs.js';

type ModelBuilder = (weights: WeightsByLayer) => Uint8Array;

/**
 * Models have symbolic image sizes and are built once per layer configuration, then shared by every size
 * and evaluator until the runtime is disposed.
 */
export class OnnxRuntime implements Runtime {
  readonly name = 'onnx';
  /** Sessions by model configuration; the weights are fixed per runtime, so the configuration identifies a model. */
  private readonly sessions = new Map<string, Promise<ort.InferenceSession>>();

  constructor(
    private readonly weights: WeightsByLayer,
    private readonly threads: number,
    readonly maxSide: number,
  ) {}

  async features(image: FloatImage, layer: LayerName): Promise<Float32Array> {
    const session = await this.session(`features:${layer}`, (w) => buildFeaturesModel(w, layer));
    return floats(await session.run({ [IMAGE]: imageTensor(image) }), FEATURES);
  }

  async grams(image: FloatImage, layers: readonly LayerName[]): Promise<Float32Array[]> {
    if (layers.length === 0) return [];
    const session = await this.session(`grams:${layers.join(',')}`, (w) => buildGramsModel(w, layers));
    const results = await session.run({ [IMAGE]: imageTensor(image) });
    return layers.map((_, i) => floats(results, gramOutput(i)));
  }

  async evaluator(spec: EvaluatorSpec): Promise<Evaluator> {
    const styleLayers = spec.styleLayers.map((s) => s.layer);
    const key = `loss:${spec.contentLayer}:${styleLayers.join(',')}`;
    const session = await this.session(key, (w) => buildLossModel(w, spec.contentLayer, styleLayers));
    const channels = (layer: LayerName): number => weightsOf(this.weights, layer).outChannels;
    return new OnnxEvaluator(session, spec, constantFeeds(spec, channels));
  }

  dispose(): void {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    // A session that failed to build has nothing to release, and its caller already got the error.
    for (const session of sessions) session.then((s) => s.release()).catch(() => undefined);
  }

  /** The session for one model configuration, built on first use; a failed build is retried next time. */
  private session(key: string, build: ModelBuilder): Promise<ort.InferenceSession> {
    const cached = this.sessions.get(key);
    if (cached) return cached;
    const session = this.createSession(build);
    this.sessions.set(key, session);
    session.catch(() => {
      if (this.sessions.get(key) === session) this.sessions.delete(key);
    });
    return session;
  }

  private async createSession(build: ModelBuilder): Promise<ort.InferenceSession> {
    return ort.InferenceSession.create(build(this.weights), {
      intraOpNumThreads: this.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // An arena would be ~10% faster but keeps the largest image's peak, rounded up, for the life of the process.
      enableCpuMemArena: false,
    });
  }
}

function imageTensor({ width, height, data }: FloatImage): ort.Tensor {
  const dims = [height, width, 3];
  expectLength('image', data, dims);
  return new ort.Tensor('float32', data, dims);
}
