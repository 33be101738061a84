import type { Logger } from 'pino';
import { ConfigError } from '../config/env.js';
import { loadConfig, type Config } from '../config/index.js';
import { createLogger } from '../config/logger.js';
import type { FeedForwardEngine } from '../engine/feedforward/index.js';
import type { StyleEngine } from '../engine/index.js';
import { UserError } from '../errors.js';
import { ensurePaintings } from '../first-run/index.js';
import { JOB_TIMEOUT_MS } from '../jobs/queue.js';
import { loadPresets } from '../jobs/presets.js';
import { Ops } from '../ops/index.js';
import { startGatysEngine, startNetworkEngine } from '../start-engines.js';
import { redactRedisUrl } from './connection.js';
import { EngineWorker } from './engine-worker.js';

/**
 * `easel worker`: loads the engines of the lanes it serves (EASEL_WORKER_LANES) and paints jobs from Redis until
 * SIGTERM. Its /metrics show its jobs and iterations; /readyz, its engines and Redis.
 */
async function start(config: Config, logger: Logger): Promise<() => Promise<void>> {
  const { redisUrl, workerLanes, lockMs, maxInlineBytes, sharedDir } = config.scaleout;
  if (!redisUrl) {
    throw new ConfigError('easel worker takes its jobs from Redis: set EASEL_REDIS_URL, e.g. redis://localhost:6379.');
  }
  const ops = new Ops();
  let worker: EngineWorker | undefined;
  ops.readiness.register('engine', () => worker !== undefined);
  ops.readiness.register('redis', () => worker?.ready() ?? false);
  const opsServer = await ops.listen(config.ops, logger);
  const { limits } = config;
  await ensurePaintings(config.presets);
  const presets = await loadPresets({ ...config.presets, optionLimits: limits.options, imageLimits: limits.image });
  const serves = (lane: 'gatys' | 'network'): boolean => workerLanes.includes(lane);
  const [engine, networkEngine]: [StyleEngine | undefined, FeedForwardEngine | undefined] = await Promise.all([
    serves('gatys') ? startGatysEngine(config, presets, logger, ops.metrics) : undefined,
    serves('network') ? startNetworkEngine(config, presets, logger) : undefined,
  ]);
  const backend = engine?.backend ?? networkEngine?.backend;
  if (backend) ops.metrics.setBackend(backend);
  try {
    worker = await EngineWorker.start({
      redisUrl,
      logger,
      metrics: ops.metrics,
      ...(engine ? { engine } : {}),
      ...(networkEngine ? { networkEngine } : {}),
      lockMs,
      maxInlineBytes,
      sharedDir,
      resultTtlMs: 2 * (config.queue.timeoutMs ?? JOB_TIMEOUT_MS),
    });
  } catch (err) {
    await Promise.allSettled([engine?.close(), networkEngine?.close(), opsServer.close()]);
    throw err;
  }
  logger.info(
    { redis: redactRedisUrl(redisUrl), lanes: workerLanes, backend, slots: worker.slots },
    'easel worker is running',
  );
  const running = worker;
  return async () => {
    await running.close(config.shutdownGraceMs);
    await Promise.allSettled([engine?.close(), networkEngine?.close()]);
    await opsServer.close();
  };
}

/** Runs a worker until SIGTERM or SIGINT; resolves with the exit code. */
export async function runWorker(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    console.error(err instanceof UserError ? err.message : err);
    return 2;
  }
  const logger = createLogger(config.logLevel);
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  let stop: () => Promise<void>;
  try {
    stop = await start(config, logger);
  } catch (err) {
    if (err instanceof UserError) logger.fatal(err.message);
    else logger.fatal({ err }, 'easel worker could not start');
    // Worker threads and sockets opened before the failure would otherwise keep the process alive.
    setTimeout(() => process.exit(1), 1000).unref();
    return 1;
  }
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  logger.info({ signal, graceMs: config.shutdownGraceMs }, 'worker shutting down');
  await stop();
  logger.info('bye');
  return 0;
}
