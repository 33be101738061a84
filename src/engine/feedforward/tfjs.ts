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
  // Instance norm is batch norm with the image's own per-channel moments (a batch of one): one fused kernel.
  const { mean, variance } = tf.moments(conv, [0, 1, 2]);
  const normed = tf.batchNorm4d(
    conv,
    mean as tf.Tensor1D,
    variance as tf.Tensor1D,
    shift,
    scale,
    INSTANCE_NORM_EPSILON,
  );
  return shape.relu ? tf.relu(normed) : normed;
}

export async function createTfjsFeedForwardRuntime(backend: TfjsBackendName): Promise<FeedForwardRuntime> {
  await activateTfjsBackend(backend);
  return {
    name: backend,
    maxSide: MAX_SIDE[backend],
    prepare(network: StyleNetwork): Promise<PreparedNetwork> {
      const stages: Stage<Layer>[] = network.stages.map((stage) =>
        stage.kind === 'layer'
          ? { kind: 'layer', layer: upload(stage.layer) }
          : { kind: 'residual', first: upload(stage.first), second: upload(stage.second) },
      );
      const layers = stages.flatMap((stage) => (stage.kind === 'layer' ? [stage.layer] : [stage.first, stage.second]));
      return Promise.resolve({
        async run({ width, height, data }) {
          // A scope per stage, so only one stage's temporaries live at a time (not the whole pass's: 3.8 GB at 768²).
          let x = tf.tensor4d(data, [1, height, width, 3]);
          for (const stage of stages) {
            const input = x;
            x = tf.tidy(() =>
              stage.kind === 'layer'
                ? apply(input, stage.layer)
                : tf.add(input, apply(apply(input, stage.first), stage.second)),
            );
            input.dispose();
          }
          const features = x;
          const out = tf.tidy(() =>
            tf.clipByValue(tf.add(tf.mul(tf.tanh(features), OUTPUT_SCALE), OUTPUT_OFFSET), 0, 255),
          );
          const [, outHeight, outWidth] = out.shape as [number, number, number, number];
          features.dispose();
          const values = (await out.data()) as Float32Array;
          out.dispose();
          return { width: outWidth, height: outHeight, data: values };
        },
        dispose() {
          for (const layer of layers) tf.dispose([layer.kernel, layer.shift, layer.scale]);
        },
      });
    },
    dispose() {},
  };
}
