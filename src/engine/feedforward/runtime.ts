import type { FloatImage } from '../types.js';
import type { StyleNetwork } from './network.js';

/**
 * Runs style networks on one runtime (ONNX Runtime or a tfjs backend). Images are HWC float RGB in 0..255.
 * A runtime only runs the bare network; fitting sizes and framing the image is ./stylize.ts's job.
 */
export interface FeedForwardRuntime {
  readonly name: string;
  /** Largest side this runtime takes in reasonable time and memory. */
  readonly maxSide: number;
  /** Builds what `network` needs to run; the result holds runtime memory until disposed. */
  prepare(network: StyleNetwork): Promise<PreparedNetwork>;
  dispose(): void;
}

export interface PreparedNetwork {
  /**
   * The network's output for `image`, clipped to 0..255. Each side comes back as 4·⌈⌈n / 2⌉ / 2⌉, which is n
   * only when n is a multiple of 4 (see network.ts).
   */
  run(image: FloatImage): Promise<FloatImage>;
  dispose(): void;
}

/** The side the network gives back for an input side of `n`. */
export function outputSide(n: number): number {
  return 4 * Math.ceil(Math.ceil(n / 2) / 2);
}
