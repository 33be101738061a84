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

/** A skipped runtime for the start-up log: its name and the first line of why. */
export function describeAttempt(attempt: RuntimeAttempt): string {
  return `${attempt.name} (${attempt.error instanceof Error ? attempt.error.message.split('\n')[0] : String(attempt.error)})`;
}

/**
 * Opens the forced runtime, or else the first in preference order that loads. Any error counts as "unavailable":
 * a native package whose install script failed throws without a code.
 */
export function openRuntime(
  forced: RuntimeName | undefined,
  weights: ReadonlyMap<LayerName, ConvWeights>,
  options: RuntimeOptions,
): Promise<{ runtime: Runtime; skipped: RuntimeAttempt[] }> {
  return openFirstRuntime(forced, (name) => RUNTIMES[name](weights, options));
}

/** The choice `openRuntime` makes, for anything that runs on the same runtimes (e.g. the feed-forward networks). */
export async function openFirstRuntime<T>(
  forced: RuntimeName | undefined,
  open: (name: RuntimeName) => Promise<T>,
): Promise<{ runtime: T; skipped: RuntimeAttempt[] }> {
  const skipped: RuntimeAttempt[] = [];
  for (const name of forced ? [forced] : RUNTIME_NAMES) {
    try {
      return { runtime: await open(name), skipped };
    } catch (error) {
      skipped.push({ name, error });
    }
  }
  const reasons = skipped.map((s) => `${s.name}: ${s.error instanceof Error ? s.error.message : String(s.error)}`).join('; ');
  throw new Error(forced ? `EASEL_BACKEND=${forced} could not be loaded (${reasons})` : `no runtime could be loaded (${reasons})`);
}
