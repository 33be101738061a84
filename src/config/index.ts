import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EngineConfig } from '../engine/index.js';
import { DEFAULT_IMAGE_LIMITS } from '../images/limits.js';
import { INPUT_CONCURRENCY } from '../jobs/input-limiter.js';
import type { PlatformDeps } from '../jobs/platform.js';
import { JOB_TIMEOUT_MS, STOP_GRACE_MS, type JobQueueOptions } from '../jobs/queue.js';
import { loadEngineConfig, MAX_SIZE } from './engine.js';
import { loadDiscordConfig, type DiscordConfig } from './discord.js';
import { ConfigError, integer, optional, path, type Env } from './env.js';
import { REPO_ROOT } from './paths.js';
import { loadSlackConfig, type SlackConfig } from './slack.js';

export { ConfigError } from './env.js';

export interface Config {
  readonly logLevel: string;
  /** The engine's settings; main.ts replaces `layers` with those the presets use. */
  readonly engine: EngineConfig;
  readonly queue: Pick<JobQueueOptions, 'maxPerUser' | 'maxWaiting' | 'timeoutMs' | 'graceMs'>;
  /** Image downloads and decodes at once, over all members. */
  readonly inputConcurrency: number;
  readonly limits: PlatformDeps['limits'];
  readonly presets: { readonly file: string; readonly assetsRoot: string };
  readonly discord: DiscordConfig | undefined;
  readonly slack: SlackConfig | undefined;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(env: Env): string {
  const level = optional(env, 'EASEL_LOG_LEVEL')?.toLowerCase() ?? 'info';
  if (!LOG_LEVELS.includes(level)) throw new ConfigError(`EASEL_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${level}".`);
  return level;
}

/** The assets root (laid out like ../shared): EASEL_ASSETS, else ../shared next to the repository when it exists. */
function assetsRoot(env: Env): string {
  const configured = path(env, 'EASEL_ASSETS', REPO_ROOT);
  if (configured !== undefined) return configured;
  const shared = resolve(REPO_ROOT, '../shared');
  if (existsSync(shared)) return shared;
  throw new ConfigError('EASEL_ASSETS is not set and ../shared does not exist; set EASEL_ASSETS to the folder holding images/styles/.');
}

/**
 * Reads every setting from the environment, with defaults, and checks it.
 * Throws ConfigError (a UserError) naming the variable at fault.
 */
export function loadConfig(env: Env = process.env): Config {
  const engine = loadEngineConfig(env);
  return {
    logLevel: logLevel(env),
    engine,
    queue: {
      maxPerUser: integer(env, 'EASEL_QUEUE_PER_USER', 2, 1, 100),
      maxWaiting: integer(env, 'EASEL_QUEUE_MAX', 20, 1, 10_000),
      timeoutMs: integer(env, 'EASEL_JOB_TIMEOUT_MS', JOB_TIMEOUT_MS, 1_000, 24 * 3_600_000),
      graceMs: integer(env, 'EASEL_JOB_GRACE_MS', STOP_GRACE_MS, 0, 10 * 60_000),
    },
    inputConcurrency: integer(env, 'EASEL_INPUT_CONCURRENCY', INPUT_CONCURRENCY, 1, 64),
    limits: {
      maxDownloadBytes: integer(env, 'EASEL_MAX_DOWNLOAD_BYTES', DEFAULT_IMAGE_LIMITS.maxBytes, 1_024, 1024 ** 3),
      downloadTimeoutMs: integer(env, 'EASEL_DOWNLOAD_TIMEOUT_MS', 20_000, 100, 10 * 60_000),
      image: {
        ...DEFAULT_IMAGE_LIMITS,
        maxPixels: integer(env, 'EASEL_MAX_PIXELS', DEFAULT_IMAGE_LIMITS.maxPixels, 1_024, 500_000_000),
      },
      options: {
        maxSize: engine.maxSide ?? MAX_SIZE,
        maxIterations: integer(env, 'EASEL_MAX_ITERATIONS', 500, 1, 100_000),
      },
    },
    presets: {
      file: path(env, 'EASEL_PRESETS', REPO_ROOT) ?? join(REPO_ROOT, 'config/presets.json'),
      assetsRoot: assetsRoot(env),
    },
    discord: loadDiscordConfig(env),
    slack: loadSlackConfig(env),
  };
}
