import { parentPort, workerData } from 'node:worker_threads';
import { describeAttempt } from '../runtimes/index.js';
import { serializeError } from '../worker-protocol.js';
import { loadStyleNetwork } from './load.js';
import { openFeedForwardRuntime } from './open-runtime.js';
import type { FeedForwardWorkerData, FromFeedForwardWorker, ToFeedForwardWorker } from './protocol.js';
import type { FeedForwardRuntime, PreparedNetwork } from './runtime.js';
import { stylizeWithNetwork } from './stylize.js';

/** The feed-forward lane's worker thread: one runtime, the networks prepared on it, one job at a time in order. */

const port = parentPort!;
const config = workerData as FeedForwardWorkerData;

function send(message: FromFeedForwardWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

async function main(): Promise<void> {
  const started = performance.now();
  let runtime: FeedForwardRuntime;
  let maxSide: number;
  const networks = new Map<string, Promise<PreparedNetwork>>();
  /** Loaded and prepared on first use and kept; a failed load is retried next time. */
  const network = (id: string): Promise<PreparedNetwork> => {
    const cached = networks.get(id);
    if (cached) return cached;
    const prepared = loadStyleNetwork(config.assets, id).then((loaded) => runtime.prepare(loaded));
    networks.set(id, prepared);
    prepared.catch(() => networks.delete(id));
    return prepared;
  };
  try {
    const opened = await openFeedForwardRuntime(config.backend, config.threads);
    runtime = opened.runtime;
    maxSide = Math.min(runtime.maxSide, config.maxSide);
    await Promise.all((config.preload ?? []).map(network));
    const skipped = opened.skipped.map(describeAttempt);
    send({ type: 'ready', backend: runtime.name, maxSide, skipped, loadMs: performance.now() - started });
  } catch (error) {
    send({ type: 'fatal', error: serializeError(error) });
    return;
  }

  const waiting = new Set<number>();
  let queue = Promise.resolve();
  const run = async ({ id, request }: Extract<ToFeedForwardWorker, { type: 'stylize' }>): Promise<void> => {
    if (!waiting.delete(id)) return;
    const jobStarted = performance.now();
    try {
      const prepared = await network(request.networkId);
      const image = await stylizeWithNetwork(prepared, request.image, Math.min(request.size, maxSide));
      send({ type: 'result', id, image, ms: performance.now() - jobStarted }, [image.data.buffer as ArrayBuffer]);
    } catch (error) {
      send({ type: 'error', id, error: serializeError(error) });
    }
  };
  port.on('message', (message: ToFeedForwardWorker) => {
    if (message.type === 'abort') {
      waiting.delete(message.id);
      return;
    }
    if (message.type === 'close') {
      waiting.clear();
      // Terminating the thread inside a native ONNX call aborts the whole process; ending between passes does not.
      queue = queue.then(() => process.exit(0));
      return;
    }
    waiting.add(message.id);
    queue = queue.then(() => run(message));
  });
}

void main();
