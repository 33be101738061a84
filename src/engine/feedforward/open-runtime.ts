import { openFirstRuntime, type RuntimeAttempt, type RuntimeName } from '../runtimes/index.js';
import type { FeedForwardRuntime } from './runtime.js';
import { createTfjsFeedForwardRuntime } from './tfjs.js';

/** The feed-forward runtime behind each of the Gatys engine's runtime names, so both pick alike. */
const FEEDFORWARD_RUNTIMES = {
  'tfjs-node-gpu': () => createTfjsFeedForwardRuntime('tfjs-node-gpu'),
  // Imported on use: onnxruntime-node's binding loads on import and throws where it has no binary.
  onnx: async (threads) => (await import('./onnx.js')).createOnnxFeedForwardRuntime(threads),
  'tfjs-node': () => createTfjsFeedForwardRuntime('tfjs-node'),
  wasm: () => createTfjsFeedForwardRuntime('wasm'),
  cpu: () => createTfjsFeedForwardRuntime('cpu'),
} satisfies Record<RuntimeName, (threads: number) => Promise<FeedForwardRuntime>>;

/** The forced runtime, or the first in the engine's preference order that loads. */
export function openFeedForwardRuntime(
  forced: RuntimeName | undefined,
  threads: number,
): Promise<{ runtime: FeedForwardRuntime; skipped: RuntimeAttempt[] }> {
  return openFirstRuntime(forced, (name) => FEEDFORWARD_RUNTIMES[name](threads));
}
