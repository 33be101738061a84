import type { LayerName } from '../vgg19.js';
import type { ConvWeights } from '../weights/types.js';
import type { Runtime } from './runtime.js';
import { createOnnxRuntime } from './onnx/index.js';
import { createTfjsRuntime } from './tfjs/index.js';

export interface RuntimeOptions {
  /** CPU threads a runtime may use, where it can be told. */
  readonly threads: number;
}

type RuntimeFactory = (weights: ReadonlyMap<LayerName, ConvWeights>, options: RuntimeOptions) => Promise<Runtime>;

/**
 * Every runtime, in the order they are tried when none is forced: a GPU first, then ONNX Runtime, the fastest on CPUs
 * (4–9× tfjs's wasm here). Adding a runtime: one module and one line.
 */
const RUNTIMES = {
  'tfjs-node-gpu': (weights) => createTfjsRuntime('tfjs-node-gpu', weights),
  onnx: (weights, { threads }) => createOnnxRuntime({ weights, threads }),
  'tfjs-node': (weights) => createTfjsRuntime('tfjs-node', weights),
  wasm: (weights) => createTfjsRuntime('wasm', weights),
  cpu: (weights) => createTfjsRuntime('cpu', weights),
} satisfies Record<string, RuntimeFactory>;

export type RuntimeName = keyof typeof RUNTIMES;
export const RUNTIME_NAMES = Object.keys(RUNTIMES) as RuntimeName[];

export function isRuntimeName(name: string): name is RuntimeName {
  return Object.hasOwn(RUNTIMES, name);
}

export interface RuntimeAttempt {
  readonly name: RuntimeName;
  readonly error: unknown;
}

/**
 * Opens the forced runtime, or else the first in preference order that loads. Any error counts as "unavailable":
 * a native package whose install script failed throws without a code.
 */
export async function openRuntime(
  forced: RuntimeName | undefined,
  weights: ReadonlyMap<LayerName, ConvWeights>,
  options: RuntimeOptions,
): Promise<{ runtime: Runtime; skipped: RuntimeAttempt[] }> {
  const skipped: RuntimeAttempt[] = [];
  for (const name of forced ? [forced] : RUNTIME_NAMES) {
    try {
      const factory: RuntimeFactory = RUNTIMES[name];
      return { runtime: await factory(weights, options), skipped };
    } catch (error) {
      skipped.push({ name, error });
    }
  }
  const reasons = skipped.map((s) => `${s.name}: ${s.error instanceof Error ? s.error.message : String(s.error)}`).join('; ');
  throw new Error(forced ? `EASEL_BACKEND=${forced} could not be loaded (${reasons})` : `no runtime could be loaded (${reasons})`);
}
