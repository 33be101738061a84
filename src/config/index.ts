import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { EngineConfig } from '../engine/index.js';
import { isRuntimeName, RUNTIME_NAMES } from '../engine/runtimes/index.js';
import { DEFAULT_IMAGE_LIMITS } from '../images/limits.js';
import type { PlatformDeps } from '../jobs/platform.js';
import type { JobQueueOptions } from '../jobs/queue.js';
import { loadDiscordConfig, type DiscordConfig } from './discord.js';
import { ConfigError, integer, optional, path, type Env } from './env.js';
import { REPO_ROOT } from './paths.js';
import { loadSlackConfig, type SlackConfig } from './slack.js';

export { ConfigError } from './env.js';

export interface Config {
  readonly logLevel: string;
  /** Everything the engine needs but the layers, which come from the presets. */
  readonly engine: Omit<EngineConfig, 'layers'>;
  readonly queue: Pick<JobQueueOptions, 'maxPerUser' | 'maxWaiting' | 'timeoutMs'>;
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

/** A directory, or an http(s) URL, holding the VGG19 model.json. */
function weightsLocation(env: Env): string {
  const raw = optional(env, 'EASEL_WEIGHTS');
  if (raw !== undefined && /^https?:\/\//i.test(raw)) return raw;
  return path(env, 'EASEL_WEIGHTS', REPO_ROOT) ?? resolve(REPO_ROOT, '../shared/models/vgg19');
}

function backend(env: Env): EngineConfig['backend'] {
  const name = optional(env, 'EASEL_BACKEND');
  if (name === undefined) return undefined;
  if (!isRuntimeName(name)) throw new ConfigError(`EASEL_BACKEND must be one of ${RUNTIME_NAMES.join(', ')}; got "${name}".`);
  return name;
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
  const maxSize = integer(env, 'EASEL_MAX_SIZE', 1024, 32, 8192);
  return {
    logLevel: logLevel(env),
    engine: {
      weights: {
        location: weightsLocation(env),
        cacheDir: path(env, 'EASEL_CACHE_DIR', REPO_ROOT) ?? join(REPO_ROOT, '.cache'),
      },
      backend: backend(env),
      slots: integer(env, 'EASEL_SLOTS', 1, 1, 16),
      threads: integer(env, 'EASEL_THREADS', availableParallelism(), 1, 256),
      maxSide: maxSize,
    },
    queue: {
      maxPerUser: integer(env, 'EASEL_QUEUE_PER_USER', 2, 1, 100),
      maxWaiting: integer(env, 'EASEL_QUEUE_MAX', 20, 1, 10_000),
      timeoutMs: integer(env, 'EASEL_JOB_TIMEOUT_MS', 10 * 60_000, 1_000, 24 * 3_600_000),
    },
    limits: {
      maxDownloadBytes: integer(env, 'EASEL_MAX_DOWNLOAD_BYTES', DEFAULT_IMAGE_LIMITS.maxBytes, 1_024, 1024 ** 3),
      downloadTimeoutMs: integer(env, 'EASEL_DOWNLOAD_TIMEOUT_MS', 20_000, 100, 10 * 60_000),
      image: {
        ...DEFAULT_IMAGE_LIMITS,
        maxPixels: integer(env, 'EASEL_MAX_PIXELS', DEFAULT_IMAGE_LIMITS.maxPixels, 1_024, 500_000_000),
      },
      options: {
        maxSize,
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
