import type { ConvWeights } from '../../weights/types.js';
import { MIN_SQUARED_NORM } from '../../losses.js';
import { IMAGENET_BGR_MEAN } from '../../vgg19.js';
import type { GraphBuilder } from './graph-builder.js';

/**
 * The pieces of the VGG19 loss graph and their hand-written gradients, in ONNX ops.
 * Feature maps are NCHW with N = 1 (ONNX Conv's layout); images are HWC RGB as the engine passes them.
 * Every gradient function takes d(loss)/d(output) and returns d(loss)/d(input).
 */

/** A loss term and its gradient with respect to the tensor it was computed from. */
export interface LossTerm {
  readonly loss: string;
  readonly gradient: string;
}

const FLOAT = 1;
const BGR = [2, 1, 0];

/** Keras "caffe" preprocessing: HWC RGB 0..255 → NCHW BGR minus the ImageNet mean. */
export function preprocess(b: GraphBuilder, image: string): string {
  const bgr = b.node('Gather', [image, b.ints(BGR)], { axis: 2 });
  const centred = b.node('Sub', [bgr, b.floats(IMAGENET_BGR_MEAN)]);
  const batched = b.node('Unsqueeze', [centred, b.ints([0])]);
  return b.node('Transpose', [batched], { perm: [0, 3, 1, 2] });
}

/** Gradient of `preprocess`: NCHW BGR back to HWC RGB (the mean is a constant shift). */
export function preprocessGradient(b: GraphBuilder, gradient: string): string {
  const hwc = b.node('Transpose', [gradient], { perm: [0, 2, 3, 1] });
  const rgb = b.node('Gather', [hwc, b.ints(BGR)], { axis: 3 });
  return b.node('Squeeze', [rgb, b.ints([0])]);
}

/** 3×3 'same' conv with bias, then ReLU. */
export function convRelu(b: GraphBuilder, input: string, weights: ConvWeights): string {
  const { inChannels, outChannels } = weights;
  const kernel = b.floats(onnxKernel(weights), [outChannels, inChannels, 3, 3]);
  const conv = b.node('Conv', [input, kernel, b.floats(weights.bias)], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
  return b.node('Relu', [conv]);
}

/**
 * Gradient of a 3×3 stride-1 pad-1 conv with respect to its input: the same conv with the kernel flipped
 * spatially and its in/out channels swapped. Plain Conv rather than ConvTranspose, which ORT optimises less.
 */
export function convInputGradient(b: GraphBuilder, gradient: string, weights: ConvWeights): string {
  const { inChannels, outChannels } = weights;
  const kernel = b.floats(flippedTransposedKernel(weights), [inChannels, outChannels, 3, 3]);
  return b.node('Conv', [gradient, kernel], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
}

/** ReLU's gradient, given its output: passes the gradient where the output is positive. */
export function reluGradient(b: GraphBuilder, gradient: string, output: string): string {
  const zero = b.floats([0], []);
  return b.node('Where', [b.node('Greater', [output, zero]), gradient, zero]);
}

export interface Pooled {
  readonly output: string;
  /** Flat NCHW index of each window's maximum in the pool's input. */
  readonly indices: string;
}

/** 2×2 max-pool, stride 2, 'valid' (odd sizes floor). */
export function maxPool(b: GraphBuilder, input: string): string {
  return b.node('MaxPool', [input], { kernel_shape: [2, 2], strides: [2, 2] });
}

/** `maxPool` that also returns where each maximum came from, for `maxPoolGradient`. */
export function maxPoolWithIndices(b: GraphBuilder, input: string): Pooled {
  const [output, indices] = b.nodeWithOutputs('MaxPool', [input], 2, { kernel_shape: [2, 2], strides: [2, 2] });
  return { output: output as string, indices: indices as string };
}

/**
 * Max-pool's gradient: each window's gradient goes to the position of its maximum, as autograd does.
 * Unpooling to the input's own shape puts zeros in the row/column an odd size dropped.
 */
export function maxPoolGradient(b: GraphBuilder, gradient: string, pooled: Pooled, input: string): string {
  return b.node('MaxUnpool', [gradient, pooled.indices, b.node('Shape', [input])], {
    kernel_shape: [2, 2],
    strides: [2, 2],
  });
}

/** Number of elements of `tensor`, as a float scalar. */
function elementCount(b: GraphBuilder, tensor: string): string {
  return b.node('Cast', [b.node('Size', [tensor])], { to: FLOAT });
}

function sumOfSquares(b: GraphBuilder, tensor: string): string {
  return b.node('ReduceSumSquare', [tensor], { keepdims: 0 });
}

/** ‖target‖², kept off zero (losses.md §3): the denominator of a relative squared error. */
function squaredNorm(b: GraphBuilder, target: string): string {
  return b.node('Max', [sumOfSquares(b, target), b.floats([MIN_SQUARED_NORM], [])]);
}

/**
 * losses.md §3: relative squared error ‖F − P‖² / ‖P‖² between features (NCHW) and the target (HWC, as
 * `Runtime.features` returns it). The gradient is multiplied by the scalar `gradientScale`.
 */
export function contentLoss(b: GraphBuilder, features: string, targetHwc: string, gradientScale: string): LossTerm {
  const target = b.node('Transpose', [targetHwc], { perm: [2, 0, 1] });
  const difference = b.node('Sub', [features, target]);
  const norm = squaredNorm(b, target);
  const loss = b.node('Div', [sumOfSquares(b, difference), norm]);
  const scale = b.node('Div', [b.node('Mul', [gradientScale, b.floats([2], [])]), norm]);
  return { loss, gradient: b.node('Mul', [difference, scale]) };
}

export interface Gram {
  readonly gram: string;
  /** Features as a C × M matrix. */
  readonly rows: string;
  /** M = h·w, as a float scalar. */
  readonly positions: string;
}

/** losses.md §4: G = Fᵀ F / M for features F viewed as M × C (here C × M, so G = R Rᵀ / M). */
export function gramMatrix(b: GraphBuilder, features: string, channels: number): Gram {
  const rows = b.node('Reshape', [features, b.ints([channels, -1])]);
  const positions = b.node('Div', [elementCount(b, features), b.floats([channels], [])]);
  const product = b.node('MatMul', [rows, b.node('Transpose', [rows], { perm: [1, 0] })]);
  return { gram: b.node('Div', [product, positions]), rows, positions };
}

/**
 * losses.md §5 for one layer, before its layer weight: ‖G − A‖² / ‖A‖². With E = G − A and N = ‖A‖²,
 * d/dR of it is (2/N)·(E + Eᵀ)·R / M; the gradient is multiplied by the scalar `gradientScale`.
 */
export function styleLoss(
  b: GraphBuilder,
  features: string,
  channels: number,
  targetGram: string,
  gradientScale: string,
): LossTerm {
  const { gram, rows, positions } = gramMatrix(b, features, channels);
  const error = b.node('Sub', [gram, targetGram]);
  const norm = squaredNorm(b, targetGram);
  const loss = b.node('Div', [sumOfSquares(b, error), norm]);
  const scale = b.node('Div', [b.node('Div', [b.node('Mul', [gradientScale, b.floats([2], [])]), norm]), positions]);
  const symmetric = b.node('Add', [error, b.node('Transpose', [error], { perm: [1, 0] })]);
  const rowsGradient = b.node('MatMul', [b.node('Mul', [symmetric, scale]), rows]);
  return { loss, gradient: b.node('Reshape', [rowsGradient, b.node('Shape', [features])]) };
}

/**
 * losses.md §6 on the HWC image: squared neighbour differences over H·W·3. Each difference d between
 * pixels p and q adds 2d/N to q's gradient and −2d/N to p's, which padding the differences expresses.
 * The gradient is multiplied by the scalar `gradientScale`.
 */
export function tvLoss(b: GraphBuilder, image: string, gradientScale: string): LossTerm {
  const count = elementCount(b, image);
  const scale = b.node('Div', [b.node('Mul', [gradientScale, b.floats([2], [])]), count]);
  const parts = [0, 1].map((axis) => {
    const next = b.node('Slice', [image, b.ints([1]), b.ints([Number.MAX_SAFE_INTEGER]), b.ints([axis])]);
    const previous = b.node('Slice', [image, b.ints([0]), b.ints([-1]), b.ints([axis])]);
    const difference = b.node('Sub', [next, previous]);
    const padBefore = [0, 0, 0, 0, 0, 0];
    const padAfter = [0, 0, 0, 0, 0, 0];
    padBefore[axis] = 1;
    padAfter[axis + 3] = 1;
    const gradient = b.node('Sub', [
      b.node('Pad', [difference, b.ints(padBefore)]),
      b.node('Pad', [difference, b.ints(padAfter)]),
    ]);
    return { sum: sumOfSquares(b, difference), gradient };
  });
  const [rows, columns] = parts as [(typeof parts)[0], (typeof parts)[0]];
  const loss = b.node('Div', [b.node('Add', [rows.sum, columns.sum]), count]);
  return { loss, gradient: b.node('Mul', [b.node('Add', [rows.gradient, columns.gradient]), scale]) };
}

/** Keras kernel [3, 3, in, out] → ONNX Conv weight [out, in, 3, 3]. */
function onnxKernel({ kernel, inChannels, outChannels }: ConvWeights): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let ky = 0; ky < 3; ky++)
    for (let kx = 0; kx < 3; kx++)
      for (let i = 0; i < inChannels; i++)
        for (let o = 0; o < outChannels; o++)
          out[((o * inChannels + i) * 3 + ky) * 3 + kx] = kernel[((ky * 3 + kx) * inChannels + i) * outChannels + o]!;
  return out;
}

/** Keras kernel [3, 3, in, out] → ONNX Conv weight [in, out, 3, 3], spatially flipped. */
function flippedTransposedKernel({ kernel, inChannels, outChannels }: ConvWeights): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let ky = 0; ky < 3; ky++)
    for (let kx = 0; kx < 3; kx++)
      for (let i = 0; i < inChannels; i++)
        for (let o = 0; o < outChannels; o++)
          out[((i * outChannels + o) * 3 + (2 - ky)) * 3 + (2 - kx)] =
            kernel[((ky * 3 + kx) * inChannels + i) * outChannels + o]!;
  return out;
}
