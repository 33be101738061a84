import { parentPort, workerData } from 'node:worker_threads';
import { describeAttempt as describe, openRuntime } from './runtimes/index.js';
import type { Runtime } from './runtimes/runtime.js';
import { StyleTargetCache } from './style-targets.js';
import { stylize } from './stylize.js';
import { loadConvWeights } from './weights/load.js';
import { serializeError as serialize, type FromWorker, type ToWorker, type WorkerData } from './worker-protocol.js';

/** The engine's worker thread: owns one runtime and runs one job at a time, off the chat clients' event loop. */

const port = parentPort!;
const config = workerData as WorkerData;

function send(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

async function start(): Promise<Runtime> {
  const started = performance.now();
  const weights = await loadConvWeights(config.weights, config.layers);
  const { runtime, skipped } = await openRuntime(config.backend, weights, { threads: config.threads });
  send({ type: 'ready', backend: runtime.name, maxSide: Math.min(runtime.maxSide, config.maxSide ?? Infinity), skipped: skipped.map(describe), loadMs: performance.now() - started });
  return runtime;
}

async function main(): Promise<void> {
  let runtime: Runtime;
  try {
    runtime = await start();
  } catch (error) {
    send({ type: 'fatal', error: serialize(error) });
    return;
  }
  const styleCache = new StyleTargetCache();
  const running = new Map<number, AbortController>();
  port.on('message', (message: ToWorker) => {
    if (message.type === 'abort') {
      running.get(message.id)?.abort();
      return;
    }
    const controller = new AbortController();
    running.set(message.id, controller);
    stylize(message.request, {
      runtime,
      styleCache,
      signal: controller.signal,
      onProgress: (progress) => send({ type: 'progress', id: message.id, progress }),
    })
      .then((result) => send({ type: 'result', id: message.id, result, tensors: runtime.liveTensors?.() ?? 0 }, [result.image.data.buffer as ArrayBuffer]))
      .catch((error: unknown) => send({ type: 'error', id: message.id, error: serialize(error) }))
      .finally(() => running.delete(message.id));
  });
}

void main();
