import type { LayerName } from '../vgg19.js';
import type { ConvWeights } from '../weights/types.js';
import { RUNTIME_NAMES, type RuntimeName } from './names.js';
import { createOnnxRuntime } from './onnx/index.js';
import type { Runtime } from './runtime.js';
import type { TfjsBackendName } from './tfjs/backend.js';

export { isRuntimeName, RUNTIME_NAMES, type RuntimeName } from './names.js';

export interface RuntimeOptions {
  /** CPU threads a runtime may use, where it can be told. */
  readonly threads: number;
}

type RuntimeFactory = (weights: ReadonlyMap<LayerName, ConvWeights>, options: RuntimeOptions) => Promise<Runtime>;

/**
 * tfjs is imported only when one of its backends is tried, as ONNX Runtime's binding is (see ./onnx/index.ts): loading
 * it costs time and memory that a process which only validates a runtime name, or runs another runtime, does not need.
 */
function tfjs(backend: TfjsBackendName): RuntimeFactory {
  return async (weights) => (await import('./tfjs/index.js')).createTfjsRuntime(backend, weights);
}

/** Adding a runtime: one module, its name in ./names.ts, and one line here. */
const RUNTIMES: Record<RuntimeName, RuntimeFactory> = {
  'tfjs-node-gpu': tfjs('tfjs-node-gpu'),
  onnx: (weights, { threads }) => createOnnxRuntime({ weights, threads }),
  'tfjs-node': tfjs('tfjs-node'),
  wasm: tfjs('wasm'),
  cpu: tfjs('cpu'),
};

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
  const reasons = skipped
    .map((s) => `${s.name}: ${s.error instanceof Error ? s.error.message : String(s.error)}`)
    .join('; ');
  throw new Error(
    forced ? `EASEL_BACKEND=${forced} could not be loaded (${reasons})` : `no runtime could be loaded (${reasons})`,
  );
}
