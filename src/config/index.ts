import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AssetsSource } from '../assets/index.js';
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
  /** Downloads and decodes at once, over all users. */
  readonly inputConcurrency: number;
  readonly limits: PlatformDeps['limits'];
  /** The presets file, and where its paintings, the gallery photo and the style networks come from. */
  readonly presets: { readonly file: string; readonly assets: AssetsSource };
  /** Where downloads and made things (the presets gallery) are kept. */
  readonly cacheDir: string;
  readonly discord: DiscordConfig | undefined;
  readonly slack: SlackConfig | undefined;
  readonly ops: OpsConfig;
}

/**
 * Where the assets (laid out like ../shared) are: presets.assets, a folder or URL, else ../shared next to the
 * repository when it exists.
 */
function assetsLocation(configured: string | undefined): string {
  if (configured !== undefined) return configured;
  const shared = resolve(REPO_ROOT, '../shared');
  if (existsSync(shared)) return shared;
  const { env } = SETTINGS.presets.assets;
  throw new ConfigError(
    `${env} (presets.assets) is not set and ../shared does not exist; ` +
      'set it to the folder (or URL) holding images/ and models/fast/.',
  );
}

/**
 * Reads every setting (config/default.json, the file EASEL_CONFIG names, the environment) and checks it.
 * Throws ConfigError (a UserError) naming the variable and the key at fault.
 */
export function loadConfig(env: Env = process.env): Config {
  const settings = loadSettings(env);
  const { limits } = settings;
  const engine = engineConfig(settings);
  const { cacheDir } = engine.weights;
  return {
    logLevel: settings.logLevel,
    engine,
    queue: settings.queue,
    inputConcurrency: limits.inputConcurrency,
    limits: {
      maxDownloadBytes: limits.maxDownloadBytes,
      downloadTimeoutMs: limits.downloadTimeoutMs,
      // One cap for the download and the decode, so that raising it raises both.
      image: { ...DEFAULT_IMAGE_LIMITS, maxBytes: limits.maxDownloadBytes, maxPixels: limits.maxPixels },
      options: { maxSize: limits.maxSize, maxIterations: limits.maxIterations },
    },
    presets: { file: settings.presets.file, assets: { location: assetsLocation(settings.presets.assets), cacheDir } },
    cacheDir,
    discord: discordConfig(settings),
    slack: slackConfig(settings),
    ops: settings.ops,
  };
}
