import { parentPort, workerData } from 'node:worker_threads';
import { describeAttempt as describe, openRuntime } from './runtimes/index.js';
import type { Runtime } from './runtimes/runtime.js';
import { StyleTargetCache } from './style-targets.js';
import { stylize } from './stylize.js';
import type { RgbImage, StylizeRequest } from './types.js';
import { loadConvWeights } from './weights/load.js';
import { serializeError as serialize, type FromWorker, type ToWorker, type WorkerData } from './worker-protocol.js';

/** The engine's worker thread: owns one runtime and runs one job at a time, off the chat clients' event loop. */

const port = parentPort!;
const config = workerData as WorkerData;

/**
 * Test only, with EASEL_WORKER_TEST_HOOKS=1: after its first progress event, a job with seed -1 hangs this thread in
 * one synchronous loop (as a stuck native call would) and a job with seed -2 ends it (as a crash would). Users cannot
 * ask for either: seeds are checked to be 0 or more.
 */
const TEST_HOOKS = process.env.EASEL_WORKER_TEST_HOOKS === '1';
function testHook(request: StylizeRequest): void {
  if (request.options.seed === -1) for (;;);
  if (request.options.seed === -2) process.exit(70);
}

function send(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

/** The image's buffer, to move rather than copy, where it holds these pixels alone (a view may share a pool). */
function movable(image: RgbImage | undefined): ArrayBuffer[] {
  const data = image?.data;
  return data && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength
    ? [data.buffer as ArrayBuffer]
    : [];
}

async function start(): Promise<Runtime> {
  const started = performance.now();
  const weights = await loadConvWeights(config.weights, config.layers);
  const { runtime, skipped } = await openRuntime(config.backend, weights, { threads: config.threads });
  send({
    type: 'ready',
    backend: runtime.name,
    maxSide: Math.min(runtime.maxSide, config.maxSide ?? Infinity),
    skipped: skipped.map(describe),
    loadMs: performance.now() - started,
  });
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
    const { id, request, previewIntervalMs } = message;
    const controller = new AbortController();
    running.set(id, controller);
    stylize(request, {
      runtime,
      maxSide: config.maxSide,
      styleCache,
      signal: controller.signal,
      previewIntervalMs,
      onProgress: (progress) => {
        send({ type: 'progress', id, progress }, movable(progress.preview));
        if (TEST_HOOKS) testHook(request);
      },
    })
      .then((result) => {
        const tensors = runtime.liveTensors?.() ?? 0;
        send({ type: 'result', id, result, tensors }, movable(result.image));
      })
      .catch((error: unknown) => send({ type: 'error', id, error: serialize(error) }))
      .finally(() => running.delete(id));
  });
}

void main();
