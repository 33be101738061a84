/**
 * The image transformation network of Johnson et al. 2016, "Perceptual Losses for Real-Time Style Transfer", as
 * Engstrom's fast-style-transfer builds it: a 9×9 conv, two stride-2 convs, five residual blocks, two stride-2
 * transposed convs and a 9×9 conv, every conv followed by instance norm (ε = 1e-3), then tanh·150 + 127.5.
 * It departs from the paper in using instance norm for batch norm (Ulyanov et al. 2016), convs without bias
 * (instance norm's shift takes its place), and TensorFlow's 'SAME' zero padding instead of reflection padding.
 *
 * Input: RGB 0..255, no other preprocessing. Every conv pads 'SAME' as TensorFlow does: a stride-2 conv gives
 * ceil(n / 2), padding any odd pixel at the end; a transposed conv gives exactly twice its input. So an input side
 * that is not a multiple of 4 comes back larger (10 → 5 → 3 → 6 → 12); see ./frame.ts for how easel avoids it.
 */

export const INSTANCE_NORM_EPSILON = 1e-3;
export const OUTPUT_SCALE = 150;
export const OUTPUT_OFFSET = 127.5;
/** The two stride-2 convs shrink by this factor, the two transposed convs grow back by it. */
export const DOWNSCALE = 4;

/** A conv, its instance norm and an optional ReLU: the unit every stage is made of. */
export interface ConvLayer {
  readonly size: number;
  readonly stride: 1 | 2;
  /** A transposed ("fractionally strided") conv: the output is `stride` times the input. */
  readonly transposed: boolean;
  readonly inChannels: number;
  readonly outChannels: number;
  /** TensorFlow layout: [size, size, in, out] for a conv, [size, size, out, in] for a transposed conv. */
  readonly kernel: Float32Array;
  /** Instance norm's per-channel β and γ: y = scale · (x − μ) / √(σ² + ε) + shift. */
  readonly shift: Float32Array;
  readonly scale: Float32Array;
  readonly relu: boolean;
}

/** A stage of the network; runtimes reuse the shape with their own prepared layers for `L`. */
export type Stage<L = ConvLayer> =
  | { readonly kind: 'layer'; readonly layer: L }
  /** x + second(first(x)); ReLU only after the first. */
  | { readonly kind: 'residual'; readonly first: L; readonly second: L };

/** A trained network: its stages in order; the output transform tanh·150 + 127.5, clipped to 0..255, follows. */
export interface StyleNetwork {
  readonly id: string;
  readonly stages: readonly Stage[];
}

export type LayerShape = Omit<ConvLayer, 'kernel' | 'shift' | 'scale'>;

const conv = (size: number, stride: 1 | 2, inChannels: number, outChannels: number, relu = true): LayerShape => ({
  size,
  stride,
  transposed: false,
  inChannels,
  outChannels,
  relu,
});
const transposed = (inChannels: number, outChannels: number): LayerShape => ({
  ...conv(3, 2, inChannels, outChannels),
  transposed: true,
});

/** The stages' layer shapes in checkpoint order; each layer owns three variables: kernel, shift, scale. */
export const ARCHITECTURE: readonly (readonly LayerShape[])[] = [
  [conv(9, 1, 3, 32)],
  [conv(3, 2, 32, 64)],
  [conv(3, 2, 64, 128)],
  ...Array.from({ length: 5 }, () => [conv(3, 1, 128, 128), conv(3, 1, 128, 128, false)]),
  [transposed(128, 64)],
  [transposed(64, 32)],
  [conv(9, 1, 32, 3, false)],
];

/** The checkpoint's name for variable `index`: Variable, Variable_1, … Variable_47. */
export function variableName(index: number): string {
  return index === 0 ? 'Variable' : `Variable_${index}`;
}

export function kernelShape(layer: LayerShape): number[] {
  const { size, inChannels, outChannels } = layer;
  return layer.transposed ? [size, size, outChannels, inChannels] : [size, size, inChannels, outChannels];
}

/** Multiply-adds × 2 of one pass over a height × width input (a multiple of 4 on both sides). */
export function networkFlops(width: number, height: number): number {
  let flops = 0;
  let pixels = width * height;
  for (const layer of ARCHITECTURE.flat()) {
    // A transposed conv's work is counted at its input, as it is computed: one kernel per input pixel.
    if (layer.stride === 2 && !layer.transposed) pixels /= 4;
    flops += 2 * pixels * layer.size * layer.size * layer.inChannels * layer.outChannels;
    if (layer.transposed) pixels *= 4;
  }
  return flops;
}
