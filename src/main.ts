import { join } from 'node:path';
import type { Logger } from 'pino';
import { loadConfig, type Config } from './config/index.js';
import { ConfigError } from './config/env.js';
import { createLogger } from './config/logger.js';
import { startDiscord } from './discord/index.js';
import { UserError } from './errors.js';
import { ensurePaintings } from './first-run/index.js';
import { GALLERY_MEMBER, PresetGallery, queuePainter } from './gallery/index.js';
import { InputLimiter } from './jobs/input-limiter.js';
import { Journal, restoreJobs } from './jobs/journal/index.js';
import type { PlatformDeps, RunningPlatform } from './jobs/platform.js';
import { loadPresets, type PresetCatalog } from './jobs/presets.js';
import { JOB_TIMEOUT_MS, JobQueue, type GivenLanes, type LocalEngines } from './jobs/queue.js';
import { Remixer, RemixStore } from './jobs/remix/index.js';
import { jobMetrics, Ops } from './ops/index.js';
import { startPlayground } from './playground/index.js';
import { redactRedisUrl } from './scaleout/connection.js';
import { RemoteLanes } from './scaleout/remote-lanes.js';
import { startSlack } from './slack/index.js';
import { startGatysEngine, startNetworkEngine } from './start-engines.js';

/** Where jobs run: this process's engines, or `easel worker` processes behind Redis. */
interface JobLanes {
  readonly queueOptions: LocalEngines | GivenLanes;
  /** Largest output side the painters support, within the operator's cap. */
  readonly maxSide: number;
  /** For the start-up log line. */
  readonly summary: Readonly<Record<string, unknown>>;
  close(): Promise<void>;
}

/** One process: both engines load here, at once. */
async function localLanes(config: Config, presets: PresetCatalog, logger: Logger, ops: Ops): Promise<JobLanes> {
  let engineLoaded = false;
  ops.readiness.register('engine', () => engineLoaded);
  const [engine, networkEngine] = await Promise.all([
    startGatysEngine(config, presets, logger, ops.metrics),
    startNetworkEngine(config, presets, logger),
  ]);
  engineLoaded = true;
  ops.metrics.setBackend(engine.backend);
  return {
    queueOptions: { engine, networkEngine },
    maxSide: engine.maxSide,
    summary: { backend: engine.backend, slots: engine.slots },
    close: async () => void (await Promise.all([engine.close(), networkEngine.close()])),
  };
}

/**
 * The scale-out mode: jobs go to the workers through BullMQ on Redis. This process keeps the chat connections, the
 * one JobQueue (limits, round-robin, ETA) and the journal; see README "Scaling out".
 */
async function remoteLanes(config: Config, redisUrl: string, logger: Logger, ops: Ops): Promise<JobLanes> {
  const { scaleout, limits } = config;
  logger.info({ redis: redactRedisUrl(redisUrl) }, 'scale-out mode: jobs go to easel workers through Redis');
  const lanes = await RemoteLanes.start({
    redisUrl,
    logger,
    maxInlineBytes: scaleout.maxInlineBytes,
    sharedDir: scaleout.sharedDir,
    lockMs: scaleout.lockMs,
    workerWaitMs: scaleout.workerWaitMs,
    jobTimeoutMs: config.queue.timeoutMs ?? JOB_TIMEOUT_MS,
    networkMaxSide: limits.options.maxSize,
  });
  ops.readiness.register('redis', () => lanes.ready());
  ops.readiness.register('workers', () => lanes.roster.slots('gatys') > 0);
  return {
    queueOptions: { lanes: { gatys: lanes.gatys, network: lanes.network } },
    maxSide: limits.options.maxSize,
    summary: { workers: lanes.roster.workers.length, slots: lanes.roster.slots('gatys') },
    close: () => lanes.close(),
  };
}

async function start(config: Config, logger: Logger): Promise<void> {
  if (!config.discord && !config.slack && !config.playground) {
    throw new ConfigError(
      'Nothing to connect to: EASEL_PLAYGROUND is off, and neither DISCORD_TOKEN (Discord) nor SLACK_BOT_TOKEN and ' +
        'SLACK_APP_TOKEN (Slack) are set.',
    );
  }
  // The ops port opens first, so /livez answers while the weights download or load; each part's readiness check is
  // registered before the part starts, so /readyz says "not ready" until all are up.
  const ops = new Ops();
  const { metrics, readiness } = ops;
  const platforms: RunningPlatform[] = [];
  const expected = [config.discord && 'discord', config.slack && 'slack', config.playground && 'playground'];
  for (const name of expected.filter((n) => typeof n === 'string')) {
    readiness.register(name, () => platforms.find((platform) => platform.name === name)?.connected() ?? false);
  }
  const opsServer = await ops.listen(config.ops, logger);
  const journal = Journal.open({ ...config.journal, logger, ignore: [GALLERY_MEMBER] });
  readiness.register('journal', () => journal.writable());

  const { limits } = config;
  // On a fresh machine these download what is missing, with a progress bar on stderr.
  await ensurePaintings(config.presets);
  const presets = await loadPresets({ ...config.presets, optionLimits: limits.options, imageLimits: limits.image });
  const { redisUrl } = config.scaleout;
  const lanes = redisUrl
    ? await remoteLanes(config, redisUrl, logger, ops)
    : await localLanes(config, presets, logger, ops);
  // Next to the journal, so that a result's remix buttons work after a restart too.
  const remixStore = RemixStore.open({ dir: config.journal.dir, ...config.remix, logger });
  const observers = [jobMetrics(metrics), journal, remixStore];
  const queue = new JobQueue({ ...lanes.queueOptions, logger, ...config.queue, observers });
  const optionLimits = { ...limits.options, maxSize: Math.min(limits.options.maxSize, lanes.maxSide) };
  const gallery = new PresetGallery({
    presets,
    paint: queuePainter(queue, optionLimits, presets.defaults),
    cacheDir: join(config.cacheDir, 'gallery'),
    logger,
  });
  const deps: PlatformDeps = {
    queue,
    inputs: new InputLimiter(config.inputConcurrency),
    presets,
    gallery,
    logger,
    remix: new Remixer({ store: remixStore, queue, presets, limits: optionLimits }),
    dataDir: config.journal.dir,
    limits: { ...limits, options: optionLimits },
  };

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down');
    // Jobs first, so their messages can still say that they will resume; then the connections; then the engine.
    // The journal keeps every job that did not finish, and the ops port goes last: until then it answers /livez.
    await queue.suspend(config.shutdownGraceMs, (jobId) => journal.holds(jobId));
    await Promise.allSettled(platforms.map((platform) => platform.stop()));
    await lanes.close();
    journal.close();
    remixStore.close();
    await opsServer.close();
    logger.info('bye');
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  if (config.discord) platforms.push(await startDiscord(deps, config.discord));
  if (config.slack) platforms.push(await startSlack(deps, config.slack));
  const playground = config.playground && (await startPlayground(deps, config.playground));
  if (playground) platforms.push(playground);
  for (const platform of platforms) metrics.watchPlatform(platform.name, () => platform.connected());
  await restoreJobs(journal, queue, new Map(platforms.map((platform) => [platform.name, platform.restorer])), logger);
  logger.info(
    {
      ...lanes.summary,
      platforms: platforms.map((p) => p.name),
      presets: presets.list().length,
    },
    'easel is running',
  );
  // Painted now, so the first /presets is answered at once; from the cache folder after the first start.
  gallery.picture().catch((err: unknown) => logger.warn({ err }, 'the presets gallery could not be painted yet'));
  // Apart from the JSON log, so that whoever ran `npm start` sees where to go.
  if (playground) process.stderr.write(`\n  easel is ready: open ${playground.url} to paint.\n\n`);
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    console.error(err instanceof UserError ? err.message : err);
    process.exitCode = 1;
    return;
  }
  const logger = createLogger(config.logLevel);
  // One job's stray promise must never take the bot down for everyone.
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  try {
    await start(config, logger);
  } catch (err) {
    if (err instanceof UserError) logger.fatal(err.message);
    else logger.fatal({ err }, 'easel could not start');
    process.exitCode = 1;
    // Worker threads and sockets opened before the failure would otherwise keep the process alive.
    setTimeout(() => process.exit(1), 1000).unref();
  }
}

await main();
