/**
 * `npm run bench:scaleout`: what the scale-out mode gives and costs, in one run. The same small Gatys jobs (one per
 * member, all submitted at once) go through the bot's JobQueue three ways: on an engine in this process, on one
 * `easel worker` process through BullMQ on Redis, and on two. Each engine has one slot and `--threads` threads, so
 * the only difference between the first two is the trip through Redis; the third shows how throughput scales where
 * the machine has the cores for a second worker. Per job, the overhead is its time from started to done minus the
 * engine's own time for it.
 *
 *   npm run bench:scaleout -- [--jobs 12] [--size 32] [--iterations 10] [--threads 1]
 *
 * Needs redis-server on the PATH (it starts its own, on a loopback port, with no persistence).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadEngineConfig } from '../src/config/engine.js';
import { REPO_ROOT } from '../src/config/paths.js';
import { startEngine } from '../src/engine/index.js';
import { DEFAULT_OPTIONS } from '../src/engine/options.js';
import type { StylizeOptions } from '../src/engine/types.js';
import type { GatysJobSpec, JobEvent } from '../src/jobs/job.js';
import { JobQueue, type GivenLanes, type LocalEngines } from '../src/jobs/queue.js';
import { RemoteLanes } from '../src/scaleout/remote-lanes.js';
import { sharedImage, SHARED } from '../test/support/engine.js';
import { startTestRedis } from '../test/scaleout/redis.js';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '12' },
    size: { type: 'string', default: '32' },
    iterations: { type: 'string', default: '10' },
    threads: { type: 'string', default: '1' },
  },
});
const jobCount = Number(values.jobs);
const threads = values.threads;
const options: StylizeOptions = {
  ...DEFAULT_OPTIONS,
  size: Number(values.size),
  iterations: Number(values.iterations),
  contentLayer: 'block2_conv2',
  styleLayers: [
    { layer: 'block1_conv1', weight: 1 },
    { layer: 'block2_conv1', weight: 1 },
  ],
};
/** Shallow layers, as in the tests: the job is small, so the trip through Redis is a visible part of it. */
const layers = [options.contentLayer, ...options.styleLayers.map((s) => s.layer)];
const logger = pino({ level: process.env.EASEL_LOG_LEVEL ?? 'silent' });
const content = await sharedImage('content/tubingen.jpg', options.size);
const style = await sharedImage('styles/vangogh_starry_night.jpg', options.size);

interface Run {
  readonly setup: string;
  readonly wallMs: number;
  /** Per job: started → done, and the engine's own time. */
  readonly jobMs: readonly number[];
  readonly engineMs: readonly number[];
}

function spec(userId: string): GatysJobSpec {
  return { kind: 'gatys', requester: { platform: 'bench', userId }, content, styles: [style], options, label: 'bench' };
}

/** Runs `count` jobs at once through a queue on `lanes`, one member each; resolves with their timings. */
async function runJobs(setup: string, lanes: LocalEngines | GivenLanes, count: number): Promise<Run> {
  const queue = new JobQueue({ ...lanes, logger, maxPerUser: 1, maxWaiting: count + 1 });
  const jobMs: number[] = [];
  const engineMs: number[] = [];
  const startedAt = Date.now();
  const handles = Array.from({ length: count }, (_, i) => {
    let started = 0;
    return queue.submit(spec(`member-${i}`), (event: JobEvent) => {
      if (event.type === 'started') started = Date.now();
      if (event.type === 'done') {
        jobMs.push(Date.now() - started);
        engineMs.push(event.result.ms);
      }
      if (event.type === 'failed' || event.type === 'cancelled') throw new Error(`${setup}: a job ${event.type}`);
    });
  });
  await Promise.all(handles.map((handle) => handle.done));
  if (jobMs.length !== count) throw new Error(`${setup}: ${count - jobMs.length} jobs did not finish`);
  return { setup, wallMs: Date.now() - startedAt, jobMs, engineMs };
}

function spawnWorker(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), 'worker'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    cwd: REPO_ROOT,
    // Its log (stdout, warnings and worse) shows why, should it fail to start.
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return child;
}

async function untilSlots(lanes: RemoteLanes, slots: number, workers: readonly ChildProcess[]): Promise<void> {
  while (lanes.roster.slots('gatys') !== slots) {
    if (workers.some((worker) => worker.exitCode !== null)) throw new Error('a worker exited; see its log above');
    await lanes.roster.refresh();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const signed = (ms: number): string => `${ms < 0 ? '−' : '+'}${Math.abs(ms).toFixed(0)}`;
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

const dir = await mkdtemp(join(tmpdir(), 'easel-bench-scaleout-'));
const redis = await startTestRedis(0);
const workers: ChildProcess[] = [];
const runs: Run[] = [];
try {
  // In this process: the queue on a local engine, warmed by one job first.
  const engine = await startEngine(
    { ...loadEngineConfig(process.env), slots: 1, threads: Number(threads), layers },
    logger,
  );
  await runJobs('warm-up', { engine }, 1);
  runs.push(await runJobs('in-process queue, 1 engine', { engine }, jobCount));
  await engine.close();

  // The workers read the layers to load from a presets file, as in the bot.
  const presets = join(dir, 'presets.json');
  const defaults = { size: options.size, content_layer: options.contentLayer, style_layers: layers.slice(1) };
  const painting = {
    image: 'images/styles/vangogh_starry_night.jpg',
    title: 'The Starry Night',
    artist: 'Vincent van Gogh',
  };
  const starry = { name: 'The Starry Night', emoji: '🌌', slack: 'milky_way', painting: { ...painting, year: '1889' } };
  const gallery = { photo: 'images/content/kitten.jpg' };
  await writeFile(presets, JSON.stringify({ defaults, gallery, presets: { starry_night: starry } }));
  const env = {
    EASEL_REDIS_URL: redis.url,
    EASEL_PRESETS: presets,
    EASEL_ASSETS: SHARED,
    EASEL_CACHE_DIR: join(dir, 'cache'),
    EASEL_THREADS: threads,
    EASEL_SLOTS: '1',
    EASEL_WORKER_LANES: 'gatys',
    EASEL_OPS_PORT: '0',
    EASEL_LOG_LEVEL: 'warn',
  };
  const lanes = await RemoteLanes.start({
    redisUrl: redis.url,
    logger,
    maxInlineBytes: 16 * 1024 ** 2,
    lockMs: 30_000,
    workerWaitMs: 60_000,
    jobTimeoutMs: 15 * 60_000,
    networkMaxSide: 1024,
  });
  const remote: GivenLanes = { lanes: { gatys: lanes.gatys } };
  for (const count of [1, 2]) {
    workers.push(spawnWorker(env));
    await untilSlots(lanes, count, workers);
    await runJobs('warm-up', remote, count);
    runs.push(await runJobs(`Redis, ${count} worker${count > 1 ? 's' : ''}`, remote, jobCount));
  }
  await lanes.close();
} finally {
  // The workers leave Redis tidy before it goes.
  await Promise.all(
    workers.map((worker) => {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      return worker.exitCode === null ? exited : Promise.resolve();
    }),
  );
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
}

const base = runs[0]!;
const rate = (run: Run): number => (jobCount / run.wallMs) * 60_000;
const overhead = (run: Run): number => mean(run.jobMs) - mean(run.engineMs);
console.log(
  `\n${jobCount} jobs of ${options.size} px × ${options.iterations} iterations, ${threads} thread(s) per engine\n`,
);
console.log('| setup | jobs/min | × in-process | per job, started → done | engine | overhead per job |');
console.log('|---|---|---|---|---|---|');
for (const run of runs) {
  const cells = [
    run.setup,
    rate(run).toFixed(0),
    (rate(run) / rate(base)).toFixed(2),
    `${mean(run.jobMs).toFixed(0)} ms`,
    `${mean(run.engineMs).toFixed(0)} ms`,
    `${overhead(run).toFixed(0)} ms${run === base ? '' : ` (${signed(overhead(run) - overhead(base))} ms)`}`,
  ];
  console.log(`| ${cells.join(' | ')} |`);
}
