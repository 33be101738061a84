import ort from 'onnxruntime-node';
import { GraphBuilder } from '../runtimes/onnx/graph-builder.js';
import { INSTANCE_NORM_EPSILON, OUTPUT_OFFSET, OUTPUT_SCALE, type ConvLayer, type StyleNetwork } from './network.js';
import { outputSide, type FeedForwardRuntime, type PreparedNetwork } from './runtime.js';

const IMAGE = 'image';
const STYLIZED = 'stylized';

/** Memory is no limit here (peak RSS of a whole job: 0.7 GB at 1024², 1.6 GB at 2048²); time is, on a CPU. */
const ONNX_FEEDFORWARD_MAX_SIDE = 2048;

/** TensorFlow conv kernel [k, k, in, out] → ONNX Conv's [out, in, k, k]. */
function onnxKernel({ kernel, size, inChannels, outChannels }: ConvLayer): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let ky = 0; ky < size; ky++)
    for (let kx = 0; kx < size; kx++)
      for (let i = 0; i < inChannels; i++)
        for (let o = 0; o < outChannels; o++) {
          const tap = kernel[((ky * size + kx) * inChannels + i) * outChannels + o]!;
          out[((o * inChannels + i) * size + ky) * size + kx] = tap;
        }
  return out;
}

/**
 * A 'SAME' stride-1 conv whose few output channels would waste most of ORT's blocked (NCHWc) kernels, which work
 * in blocks of 8 or 16 channels: the 9×9 conv to RGB. Folding each 2×2 block of pixels into channels
 * (SpaceToDepth) turns it into a 5×5 conv at half resolution with 4× the channels in and out, which fill the blocks
 * far better, and DepthToSpace unfolds the result. Exact, since the folded kernel is the same sums rearranged.
 * The input's sides must be even, as they are after the transposed convs.
 */
function foldedConv(b: GraphBuilder, input: string, layer: ConvLayer): string {
  const { size, inChannels: cin, outChannels: cout, kernel } = layer;
  const half = (size - 1) / 2;
  const reach = Math.ceil(half / 2);
  const taps = 2 * reach + 1;
  const folded = new Float32Array(4 * cout * 4 * cin * taps * taps);
  for (let py = 0; py < 2; py++)
    for (let px = 0; px < 2; px++)
      for (let ky = 0; ky < size; ky++)
        for (let kx = 0; kx < size; kx++) {
          // Output pixel 2i + p reads input 2i + p + k − half = 2(i + d) + q.
          const ry = py + ky - half;
          const rx = px + kx - half;
          const [dy, qy, dx, qx] = [Math.floor(ry / 2), ry & 1, Math.floor(rx / 2), rx & 1];
          for (let c = 0; c < cin; c++)
            for (let o = 0; o < cout; o++) {
              const outChannel = (py * 2 + px) * cout + o;
              const inChannel = (qy * 2 + qx) * cin + c;
              folded[((outChannel * 4 * cin + inChannel) * taps + dy + reach) * taps + dx + reach] =
                kernel[((ky * size + kx) * cin + c) * cout + o]!;
            }
        }
  const blocks = b.node('SpaceToDepth', [input], { blocksize: 2 });
  const conv = b.node('Conv', [blocks, b.floats(folded, [4 * cout, 4 * cin, taps, taps])], {
    kernel_shape: [taps, taps],
    pads: [reach, reach, reach, reach],
  });
  return b.node('DepthToSpace', [conv], { blocksize: 2, mode: 'DCR' });
}

/**
 * TensorFlow's stride-2 transposed 'SAME' conv, 3×3: output 2m + p takes input m (tap p) and, for p = 0, also
 * input m − 1 (tap 2). That is a 2×2 conv producing the four phases as channels, then DepthToSpace: the same sums
 * as ConvTranspose, which ORT runs far slower than a Conv on its blocked kernels.
 */
function subPixelTransposedConv(b: GraphBuilder, input: string, layer: ConvLayer): string {
  const { inChannels: cin, outChannels: cout, kernel } = layer;
  const weights = new Float32Array(4 * cout * cin * 4);
  for (let py = 0; py < 2; py++)
    for (let px = 0; px < 2; px++)
      for (let dy = -1; dy <= 0; dy++)
        for (let dx = -1; dx <= 0; dx++) {
          const [ky, kx] = [py - 2 * dy, px - 2 * dx];
          if (ky > 2 || kx > 2) continue;
          for (let c = 0; c < cin; c++)
            for (let o = 0; o < cout; o++) {
              // TensorFlow's transposed kernel is [k, k, out, in].
              const tap = kernel[((ky * 3 + kx) * cout + o) * cin + c]!;
              weights[((((py * 2 + px) * cout + o) * cin + c) * 2 + dy + 1) * 2 + dx + 1] = tap;
            }
        }
  const conv = b.node('Conv', [input, b.floats(weights, [4 * cout, cin, 2, 2])], {
    kernel_shape: [2, 2],
    pads: [1, 1, 0, 0],
  });
  return b.node('DepthToSpace', [conv], { blocksize: 2, mode: 'DCR' });
}

/** TensorFlow's 'SAME' conv. SAME_UPPER is the same rule: an odd total padding puts the extra pixel at the end. */
function sameConv(b: GraphBuilder, input: string, layer: ConvLayer): string {
  const { size, stride, inChannels, outChannels } = layer;
  const weights = b.floats(onnxKernel(layer), [outChannels, inChannels, size, size]);
  return b.node('Conv', [input, weights], {
    kernel_shape: [size, size],
    strides: [stride, stride],
    auto_pad: 'SAME_UPPER',
  });
}

/** A conv as above, instance norm, and ReLU where the layer has one; NCHW in and out. */
function convLayer(b: GraphBuilder, input: string, layer: ConvLayer): string {
  const conv = layer.transposed
    ? subPixelTransposedConv(b, input, layer)
    : layer.stride === 1 && layer.outChannels < 8
      ? foldedConv(b, input, layer)
      : sameConv(b, input, layer);
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
    x =
      stage.kind === 'layer'
        ? convLayer(b, x, stage.layer)
        : b.node('Add', [x, convLayer(b, convLayer(b, x, stage.first), stage.second)]);
  }
  const scale = b.floats([OUTPUT_SCALE], []);
  const scaled = b.node('Add', [b.node('Mul', [b.node('Tanh', [x]), scale]), b.floats([OUTPUT_OFFSET], [])]);
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
