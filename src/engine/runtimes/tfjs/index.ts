import * as tf from '@tensorflow/tfjs-core';
import type { FloatImage } from '../../types.js';
import { featureSize, type LayerName } from '../../vgg19.js';
import type { ConvWeights } from '../../weights/types.js';
import type { Evaluation, Evaluator, EvaluatorSpec, Runtime } from '../runtime.js';
import { activateTfjsBackend, TFJS_MAX_SIDE, type TfjsBackendName } from './backend.js';
import { contentLoss, styleLayerLoss, totalVariation } from './losses.js';
import { gram } from './ops.js';
import { TfjsVgg } from './vgg.js';

function imageTensor(image: FloatImage): tf.Tensor4D {
  return tf.tensor4d(image.data, [1, image.height, image.width, 3]);
}

/** Reads a tensor's values and frees it; reading outside tidy avoids tidy walking large TypedArrays. */
async function take(t: tf.Tensor): Promise<Float32Array> {
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return data;
}

class TfjsEvaluator implements Evaluator {
  private readonly contentTarget: tf.Tensor4D;
  private readonly styleTargets: tf.Tensor2D[];
  private readonly layers: LayerName[];

  constructor(
    private readonly vgg: TfjsVgg,
    private readonly spec: EvaluatorSpec,
    channels: (layer: LayerName) => number,
  ) {
    const size = featureSize(spec.contentLayer, spec.width, spec.height);
    this.contentTarget = tf.tensor4d(spec.contentTarget, [1, size.height, size.width, channels(spec.contentLayer)]);
    this.styleTargets = spec.styleLayers.map(({ layer }, i) => {
      const c = channels(layer);
      return tf.tensor2d(spec.styleTargets[i]!, [c, c]);
    });
    this.layers = [spec.contentLayer, ...spec.styleLayers.map((s) => s.layer)];
  }

  async evaluate(image: Float32Array): Promise<Evaluation> {
    const { width, height, weights, styleLayers, contentLayer } = this.spec;
    const x = tf.tensor4d(image, [1, height, width, 3]);
    let parts: tf.Tensor | undefined;
    const { value, grad } = tf.tidy(() =>
      tf.valueAndGrad((input: tf.Tensor4D) => {
        const acts = this.vgg.activations(input, this.layers);
        const content = contentLoss(acts.get(contentLayer)!, this.contentTarget);
        const style = tf.addN(
          styleLayers.map(({ layer, weight }, i) =>
            tf.mul(styleLayerLoss(gram(acts.get(layer)!), this.styleTargets[i]!), weight),
          ),
        );
        const tv = totalVariation(input);
        parts = tf.keep(tf.stack([content, style, tv]));
        return tf.addN([
          tf.mul(content, weights.content),
          tf.mul(style, weights.style),
          tf.mul(tv, weights.tv),
        ]) as tf.Scalar;
      })(x),
    );
    x.dispose();
    const [content, style, tv] = await take(parts!);
    const total = (await take(value))[0]!;
    return { losses: { total, content: content!, style: style!, tv: tv! }, gradient: await take(grad) };
  }

  dispose(): void {
    this.contentTarget.dispose();
    for (const t of this.styleTargets) t.dispose();
  }
}

/** Runs the VGG19 loss on one tfjs backend, with the gradient tweaks of ./ops.ts. */
export async function createTfjsRuntime(
  backend: TfjsBackendName,
  weights: ReadonlyMap<LayerName, ConvWeights>,
): Promise<Runtime> {
  await activateTfjsBackend(backend);
  const vgg = new TfjsVgg(weights);
  const channels = (layer: LayerName): number => {
    const w = weights.get(layer);
    if (!w) throw new Error(`no weights loaded for ${layer}`);
    return w.outChannels;
  };
  return {
    name: backend,
    maxSide: TFJS_MAX_SIDE[backend],
    async features(image, layer) {
      return take(tf.tidy(() => vgg.activations(imageTensor(image), [layer]).get(layer)!));
    },
    async grams(image, layers) {
      const grams = tf.tidy(() => {
        const acts = vgg.activations(imageTensor(image), layers);
        return layers.map((layer) => gram(acts.get(layer)!));
      });
      return Promise.all(grams.map(take));
    },
    evaluator(spec) {
      return Promise.resolve(new TfjsEvaluator(vgg, spec, channels));
    },
    liveTensors() {
      return tf.memory().numTensors;
    },
    dispose() {
      vgg.dispose();
    },
  };
}
