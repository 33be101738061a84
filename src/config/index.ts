import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EngineConfig } from '../engine/index.js';
import { DEFAULT_IMAGE_LIMITS } from '../images/limits.js';
import type { PlatformDeps } from '../jobs/platform.js';
import type { JobQueueOptions } from '../jobs/queue.js';
import { engineConfig } from './engine.js';
import { discordConfig, type DiscordConfig } from './discord.js';
import { ConfigError, type Env } from './env.js';
import { loadSettings } from './load.js';
import { REPO_ROOT } from './paths.js';
import { SETTINGS, type Settings } from './settings.js';
import { slackConfig, type SlackConfig } from './slack.js';

export { ConfigError } from './env.js';

/** Where the health and metrics endpoints listen; port 0 picks a free one. */
export type OpsConfig = Settings['ops'];

export interface Config {
  readonly logLevel: string;
  /** The engine's settings; main.ts replaces `layers` with those the presets use. */
  readonly engine: EngineConfig;
  readonly queue: Pick<JobQueueOptions, 'maxPerUser' | 'maxWaiting' | 'timeoutMs' | 'graceMs'>;
  /** On SIGTERM, how long running jobs may go on before they are stopped, to resume after the restart. */
  readonly shutdownGraceMs: number;
  /** The job journal: its folder, and the most bytes of input images it keeps. */
  readonly journal: { readonly dir: string; readonly maxInputBytes: number };
  /** Downloads and decodes at once, over all users. */
  readonly inputConcurrency: number;
  readonly limits: PlatformDeps['limits'];
  readonly presets: { readonly file: string; readonly assetsRoot: string };
  readonly discord: DiscordConfig | undefined;
  readonly slack: SlackConfig | undefined;
  readonly ops: OpsConfig;
}

/** The assets root (laid out like ../shared): presets.assets, else ../shared next to the repository when it exists. */
function assetsRoot(configured: string | undefined): string {
  if (configured !== undefined) return configured;
  const shared = resolve(REPO_ROOT, '../shared');
  if (existsSync(shared)) return shared;
  const { env } = SETTINGS.presets.assets;
  throw new ConfigError(
    `${env} (presets.assets) is not set and ../shared does not exist; set it to the folder holding images/styles/.`,
  );
}

/**
 * Reads every setting (config/default.json, the file EASEL_CONFIG names, the environment) and checks it.
 * Throws ConfigError (a UserError) naming the variable and the key at fault.
 */
export function loadConfig(env: Env = process.env): Config {
  const settings = loadSettings(env);
  const { limits } = settings;
  const { shutdownGraceMs, ...queue } = settings.queue;
  return {
    logLevel: settings.logLevel,
    engine: engineConfig(settings),
    queue,
    shutdownGraceMs,
    // The XDG place for an application's own data: unlike the cache, it must not be wiped, and it is outside the
    // checkout, so no journal or member's picture ever lands in git.
    journal: {
      dir: settings.dataDir ?? join(homedir(), '.local', 'share', 'easel'),
      maxInputBytes: limits.maxDataBytes,
    },
    inputConcurrency: limits.inputConcurrency,
    limits: {
      maxDownloadBytes: limits.maxDownloadBytes,
      downloadTimeoutMs: limits.downloadTimeoutMs,
      // One cap for the download and the decode, so that raising it raises both.
      image: { ...DEFAULT_IMAGE_LIMITS, maxBytes: limits.maxDownloadBytes, maxPixels: limits.maxPixels },
      options: { maxSize: limits.maxSize, maxIterations: limits.maxIterations },
    },
    presets: { file: settings.presets.file, assetsRoot: assetsRoot(settings.presets.assets) },
    discord: discordConfig(settings),
    slack: slackConfig(settings),
    ops: settings.ops,
  };
}
