import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** How a job ended. `refused`: turned away when it was submitted (queue full, too many jobs, shutting down). */
export type JobOutcome = 'done' | 'failed' | 'cancelled' | 'refused';
export const JOB_OUTCOMES: readonly JobOutcome[] = ['done', 'failed', 'cancelled', 'refused'];

/**
 * Seconds, for both job time and waiting time: from a small feed-forward job (a fraction of a second) through the
 * usual 30 s – 3 min optimisations to the 15 min job timeout, and a wait behind a long line (30 min).
 */
export const JOB_SECONDS_BUCKETS: readonly number[] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 900, 1800];

/**
 * easel's own metrics, on a Registry of their own together with prom-client's default process metrics. The
 * methods are the only way in, so the names and labels stay in this one file. None of them throws on odd input:
 * counting must never hurt a job.
 */
export class EaselMetrics {
  readonly registry: Registry;
  readonly #queueDepth: Gauge<'lane'>;
  readonly #queued: Counter<'lane' | 'platform'>;
  readonly #jobs: Counter<'outcome' | 'platform'>;
  readonly #wait: Histogram<'lane'>;
  readonly #duration: Histogram<'outcome'>;
  readonly #iterations: Counter;
  readonly #backend: Gauge<'backend'>;
  readonly #platformConnected: Gauge<'platform'>;
  readonly #workerRestarts: Counter;
  readonly #workerJobs: Counter<'lane' | 'outcome'>;
  readonly #platformsSeen = new Set<string>();
  /** Platforms whose connection is read at each scrape. */
  readonly #platformProbes = new Map<string, () => boolean>();

  constructor(registry = new Registry()) {
    this.registry = registry;
    collectDefaultMetrics({ register: registry });
    const registers = [registry];
    this.#queueDepth = new Gauge({
      name: 'easel_queue_depth',
      help: 'Jobs waiting to start, per lane.',
      labelNames: ['lane'],
      registers,
    });
    this.#queued = new Counter({
      name: 'easel_jobs_queued_total',
      help: 'Jobs put in line, per lane and platform.',
      labelNames: ['lane', 'platform'],
      registers,
    });
    this.#jobs = new Counter({
      name: 'easel_jobs_total',
      help: 'Jobs that ended, by outcome (done, failed, cancelled, refused) and platform.',
      labelNames: ['outcome', 'platform'],
      registers,
    });
    this.#wait = new Histogram({
      name: 'easel_job_wait_seconds',
      help: 'Time from a job being queued to it starting, per lane.',
      labelNames: ['lane'],
      buckets: [...JOB_SECONDS_BUCKETS],
      registers,
    });
    this.#duration = new Histogram({
      name: 'easel_job_duration_seconds',
      help: 'Time from a job starting to it ending, for jobs that ran, by outcome.',
      labelNames: ['outcome'],
      buckets: [...JOB_SECONDS_BUCKETS],
      registers,
    });
    // A counter, not a gauge: rate(easel_iterations_total[1m]) gives iterations per second over any window, loses
    // nothing between scrapes, and adds up across processes; a gauge would be one sample of a smoothing done here.
    this.#iterations = new Counter({
      name: 'easel_iterations_total',
      help: 'Optimiser iterations done, over all jobs; rate() of it is iterations per second.',
      registers,
    });
    this.#backend = new Gauge({
      name: 'easel_engine_backend_info',
      help: 'The runtime the engine loaded, as the label backend (value always 1).',
      labelNames: ['backend'],
      registers,
    });
    const probes = this.#platformProbes;
    this.#platformConnected = new Gauge({
      name: 'easel_platform_connected',
      help: 'Whether a chat platform is connected (1) or not (0).',
      labelNames: ['platform'],
      registers,
      collect() {
        for (const [platform, connected] of probes) this.set({ platform }, connected() ? 1 : 0);
      },
    });
    this.#workerRestarts = new Counter({
      name: 'easel_worker_restarts_total',
      help: 'Engine worker threads restarted: after they died, or replaced when a job would not stop.',
      registers,
    });
    // On the workers of the scale-out mode, whose jobs never pass through a JobQueue; rate() is jobs per second.
    this.#workerJobs = new Counter({
      name: 'easel_worker_jobs_total',
      help: 'Jobs an `easel worker` ran, per lane and outcome (done, failed, cancelled).',
      labelNames: ['lane', 'outcome'],
      registers,
    });
  }

  /** On an `easel worker`: a job it took from Redis ended there (done, failed, cancelled). */
  workerJob(lane: string, outcome: Exclude<JobOutcome, 'refused'>): void {
    this.#workerJobs.inc({ lane, outcome });
  }

  jobQueued(lane: string, platform: string): void {
    this.#seePlatform(platform);
    this.#queued.inc({ lane, platform });
  }

  jobStarted(lane: string, waitMs: number): void {
    this.#wait.observe({ lane }, seconds(waitMs));
  }

  /** `durationMs`: how long the job ran; leave it out for one that never started (refused, cancelled in line). */
  jobFinished(outcome: JobOutcome, platform: string, durationMs?: number): void {
    this.#seePlatform(platform);
    this.#jobs.inc({ outcome, platform });
    if (durationMs !== undefined) this.#duration.observe({ outcome }, seconds(durationMs));
  }

  /** `n`: iterations done since the last call (a job's Progress.iteration minus what it had reported before). */
  iterations(n: number): void {
    if (Number.isFinite(n) && n > 0) this.#iterations.inc(n);
  }

  workerRestarted(): void {
    this.#workerRestarts.inc();
  }

  setBackend(name: string): void {
    this.#backend.reset();
    this.#backend.set({ backend: name }, 1);
  }

  setPlatformConnected(platform: string, up: boolean): void {
    this.#platformConnected.set({ platform }, up ? 1 : 0);
  }

  /** Reads `connected` at every scrape from now on, so the gauge follows a connection that drops and comes back. */
  watchPlatform(platform: string, connected: () => boolean): void {
    this.#platformProbes.set(platform, connected);
  }

  setQueueDepth(lane: string, depth: number): void {
    this.#queueDepth.set({ lane }, Number.isFinite(depth) ? Math.max(0, depth) : 0);
  }

  /** A platform's outcomes all start at 0, so rate() and alerts see a first failure as a change. */
  #seePlatform(platform: string): void {
    if (this.#platformsSeen.has(platform)) return;
    this.#platformsSeen.add(platform);
    for (const outcome of JOB_OUTCOMES) this.#jobs.inc({ outcome, platform }, 0);
  }
}

function seconds(ms: number): number {
  return Number.isFinite(ms) ? Math.max(0, ms) / 1000 : 0;
}
