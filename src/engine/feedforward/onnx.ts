import ort from 'onnxruntime-node';
import { GraphBuilder } from '../runtimes/onnx/graph-builder.js';
import { INSTANCE_NORM_EPSILON, OUTPUT_OFFSET, OUTPUT_SCALE, type ConvLayer, type StyleNetwork } from './network.js';
import { outputSide, type FeedForwardRuntime, type PreparedNetwork } from './runtime.js';

const IMAGE = 'image';
const STYLIZED = 'stylized';

/** Measured peak RSS is ~0.35 GB plus ~1 KB per pixel; 2048² would take ~4 GB and ~10 s on two cores. */
const ONNX_FEEDFORWARD_MAX_SIDE = 2048;

/** TensorFlow kernel [k, k, a, b] → ONNX [b, a, k, k]: Conv's [out, in, k, k] and ConvTranspose's [in, out, k, k]. */
function onnxKernel({ kernel, size, inChannels, outChannels, transposed }: ConvLayer): Float32Array {
  const [a, b] = transposed ? [outChannels, inChannels] : [inChannels, outChannels];
  const out = new Float32Array(kernel.length);
  for (let ky = 0; ky < size; ky++)
    for (let kx = 0; kx < size; kx++)
      for (let i = 0; i < a; i++)
        for (let o = 0; o < b; o++) out[((o * a + i) * size + ky) * size + kx] = kernel[((ky * size + kx) * a + i) * b + o]!;
  return out;
}

/** Conv (TensorFlow 'SAME' padding), instance norm, and ReLU where the layer has one; NCHW in and out. */
function convLayer(b: GraphBuilder, input: string, layer: ConvLayer): string {
  const { size, stride, inChannels, outChannels } = layer;
  const weights = b.floats(onnxKernel(layer), layer.transposed ? [inChannels, outChannels, size, size] : [outChannels, inChannels, size, size]);
  const half = (size - 1) / 2;
  let conv: string;
  if (layer.transposed) {
    // TensorFlow's transposed 'SAME' conv is the gradient of a 'SAME' conv from 2n to n, which pads one pixel at the
    // end only: trimming one at the end here gives exactly 2n, whatever n is.
    conv = b.node('ConvTranspose', [input, weights], { kernel_shape: [size, size], strides: [stride, stride], pads: [0, 0, 1, 1] });
  } else if (stride === 1) {
    conv = b.node('Conv', [input, weights], { kernel_shape: [size, size], pads: [half, half, half, half] });
  } else {
    // SAME_UPPER is TensorFlow's 'SAME': an odd total padding puts the extra pixel at the end.
    conv = b.node('Conv', [input, weights], { kernel_shape: [size, size], strides: [stride, stride], auto_pad: 'SAME_UPPER' });
  }
  const normed = b.node('InstanceNormalization', [conv, b.floats(layer.scale), b.floats(layer.shift)], {
    epsilon: { float: INSTANCE_NORM_EPSILON },
  });
  return layer.relu ? b.node('Relu', [normed]) : normed;
}

/** image [H, W, 3] RGB 0..255 → stylized [H', W', 3] RGB 0..255; the image size is symbolic. */
export function buildStyleModel(network: StyleNetwork): Uint8Array {
  const b = new GraphBuilder();
  const image = b.input(IMAGE, ['height', 'width', 3]);
  let x = b.node('Transpose', [b.node('Unsqueeze', [image, b.ints([0])])], { perm: [0, 3, 1, 2] });
  for (const stage of network.stages) {
    x = stage.kind === 'layer' ? convLayer(b, x, stage.layer) : b.node('Add', [x, convLayer(b, convLayer(b, x, stage.first), stage.second)]);
  }
  const scaled = b.node('Add', [b.node('Mul', [b.node('Tanh', [x]), b.floats([OUTPUT_SCALE], [])]), b.floats([OUTPUT_OFFSET], [])]);
  const clipped = b.node('Clip', [scaled, b.floats([0], []), b.floats([255], [])]);
  b.output(STYLIZED, b.node('Squeeze', [b.node('Transpose', [clipped], { perm: [0, 2, 3, 1] }), b.ints([0])]));
  return b.toBytes(`style-network-${network.id}`);
}

export function createOnnxFeedForwardRuntime(threads: number): FeedForwardRuntime {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`threads must be a positive integer, got ${threads}`);
  return {
    name: 'onnx',
    maxSide: ONNX_FEEDFORWARD_MAX_SIDE,
    async prepare(network: StyleNetwork): Promise<PreparedNetwork> {
      const session = await ort.InferenceSession.create(buildStyleModel(network), {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        enableCpuMemArena: false,
        // Runs are short and far apart: spinning threads between them would only take CPU from a Gatys job.
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
      return {
        async run({ width, height, data }) {
          const results = await session.run({ [IMAGE]: new ort.Tensor('float32', data, [height, width, 3]) });
          const out = results[STYLIZED]?.data;
          if (!(out instanceof Float32Array)) throw new Error(`the style model has no float output "${STYLIZED}"`);
          return { width: outputSide(width), height: outputSide(height), data: out };
        },
        dispose() {
          void session.release();
        },
      };
    },
    dispose() {},
  };
}
