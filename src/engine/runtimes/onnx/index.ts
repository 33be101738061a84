import { availableParallelism } from 'node:os';
import type { Runtime } from '../runtime.js';
import type { WeightsByLayer } from './graphs.js';

export interface OnnxRuntimeOptions {
  /** VGG19 conv weights of every layer up to the deepest one any loss will use. */
  readonly weights: WeightsByLayer;
  /** Threads per model run; the number of cores by default. */
  readonly threads?: number;
}

/**
 * Measured peak RSS of a loss evaluation (to block5_conv1, three models loaded): 0.7 GB at 128², 1.3 GB at 512²,
 * 2.5 GB at 1024², i.e. ~0.7 GB plus ~1.8 KB per pixel: ~5 GB at 1536², ~8 GB at 2048².
 */
export const ONNX_MAX_SIDE = 1536;

/**
 * A CPU runtime on onnxruntime-node. Rejects where onnxruntime-node has no native binary for the platform:
 * the binding loads on import, so it is imported here rather than with this module.
 */
export async function createOnnxRuntime(options: OnnxRuntimeOptions): Promise<Runtime> {
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`threads must be a positive integer, got ${threads}`);
  const { OnnxRuntime } = await import('./onnx-runtime.js');
  return new OnnxRuntime(options.weights, threads, ONNX_MAX_SIDE);
}
