import * as tf from '@tensorflow/tfjs-core';
import { activateTfjsBackend, type TfjsBackendName } from '../runtimes/tfjs/backend.js';
import {
  INSTANCE_NORM_EPSILON,
  OUTPUT_OFFSET,
  OUTPUT_SCALE,
  type ConvLayer,
  type Stage,
  type StyleNetwork,
} from './network.js';
import type { FeedForwardRuntime, PreparedNetwork } from './runtime.js';

/** Largest side per backend; a forward pass needs far less memory than a Gatys step, but `cpu` is plain JS. */
const MAX_SIDE: Record<TfjsBackendName, number> = {
  'tfjs-node-gpu': 2048,
  'tfjs-node': 2048,
  wasm: 1024,
  cpu: 512,
};

interface Layer {
  readonly shape: ConvLayer;
  readonly kernel: tf.Tensor4D;
  readonly shift: tf.Tensor1D;
  readonly scale: tf.Tensor1D;
}

function upload(shape: ConvLayer): Layer {
  const { size, inChannels, outChannels, transposed } = shape;
  // tfjs takes TensorFlow's layouts as they are: conv2d [k, k, in, out], conv2dTranspose [k, k, out, in].
  const dims: [number, number, number, number] = transposed
    ? [size, size, outChannels, inChannels]
    : [size, size, inChannels, outChannels];
  const kernel = tf.tensor4d(shape.kernel, dims);
  return { shape, kernel, shift: tf.tensor1d(shape.shift), scale: tf.tensor1d(shape.scale) };
}

/** Conv with TensorFlow's 'same' padding (tfjs follows TensorFlow), instance norm, optional ReLU. */
function apply(x: tf.Tensor4D, { shape, kernel, shift, scale }: Layer): tf.Tensor4D {
  const [, height, width] = x.shape;
  const { stride, outChannels } = shape;
  const conv = shape.transposed
    ? tf.conv2dTranspose(x, kernel, [1, height * stride, width * stride, outChannels], stride, 'same')
    : tf.conv2d(x, kernel, stride, 'same');
  const { mean, variance } = tf.moments(conv, [1, 2], true);
  const normalized = tf.mul(tf.sub(conv, mean), tf.rsqrt(tf.add(variance, INSTANCE_NORM_EPSILON)));
  const normed = tf.add(tf.mul(normalized, scale), shift);
  return (shape.relu ? tf.relu(normed) : normed) as tf.Tensor4D;
}

export async function createTfjsFeedForwardRuntime(backend: TfjsBackendName): Promise<FeedForwardRuntime> {
  await activateTfjsBackend(backend);
  return {
    name: backend,
    maxSide: MAX_SIDE[backend],
    async prepare(network: StyleNetwork): Promise<PreparedNetwork> {
      const stages: Stage<Layer>[] = network.stages.map((stage) =>
        stage.kind === 'layer'
          ? { kind: 'layer', layer: upload(stage.layer) }
          : { kind: 'residual', first: upload(stage.first), second: upload(stage.second) },
      );
      const layers = stages.flatMap((stage) => (stage.kind === 'layer' ? [stage.layer] : [stage.first, stage.second]));
      return {
        async run({ width, height, data }) {
          const out = tf.tidy(() => {
            let x = tf.tensor4d(data, [1, height, width, 3]);
            for (const stage of stages) {
              x =
                stage.kind === 'layer'
                  ? apply(x, stage.layer)
                  : tf.add(x, apply(apply(x, stage.first), stage.second));
            }
            return tf.clipByValue(tf.add(tf.mul(tf.tanh(x), OUTPUT_SCALE), OUTPUT_OFFSET), 0, 255) as tf.Tensor4D;
          });
          const [, outHeight, outWidth] = out.shape;
          const values = (await out.data()) as Float32Array;
          out.dispose();
          return { width: outWidth, height: outHeight, data: values };
        },
        dispose() {
          for (const layer of layers) tf.dispose([layer.kernel, layer.shift, layer.scale]);
        },
      };
    },
    dispose() {},
  };
}
