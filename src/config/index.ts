import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AssetsSource } from '../assets/index.js';
import type { EngineConfig } from '../engine/index.js';
import { DEFAULT_IMAGE_LIMITS } from '../images/limits.js';
import type { LaneName } from '../jobs/lanes.js';
import type { PlatformDeps } from '../jobs/platform.js';
import type { JobQueueOptions } from '../jobs/queue.js';
import { engineConfig } from './engine.js';
import { discordConfig, type DiscordConfig } from './discord.js';
import type { Env } from './env.js';
import { loadSettings } from './load.js';
import { REPO_ROOT } from './paths.js';
import { playgroundConfig, type PlaygroundConfig } from './playground.js';
import type { Settings } from './settings.js';
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
  /** Finished jobs' images kept for their remix buttons, in the journal's folder: for how long, and how many bytes. */
  readonly remix: { readonly keepMs: number; readonly maxBytes: number };
  /** Downloads and decodes at once, over all users. */
  readonly inputConcurrency: number;
  readonly limits: PlatformDeps['limits'];
  readonly presets: PresetsConfig;
  /** Where downloads and made things (the presets gallery) are kept. */
  readonly cacheDir: string;
  readonly discord: DiscordConfig | undefined;
  readonly slack: SlackConfig | undefined;
  /** Undefined when EASEL_PLAYGROUND=off. */
  readonly playground: PlaygroundConfig | undefined;
  readonly ops: OpsConfig;
  readonly scaleout: ScaleoutConfig;
}

/** The scale-out mode (README "Scaling out"): on when `redisUrl` is set. */
export interface ScaleoutConfig {
  readonly redisUrl: string | undefined;
  readonly maxInlineBytes: number;
  readonly sharedDir: string | undefined;
  readonly lockMs: number;
  /** How long a lane with no worker keeps its jobs waiting for one. */
  readonly workerWaitMs: number;
  /** The lanes an `easel worker` serves. */
  readonly workerLanes: readonly LaneName[];
}

export interface PresetsConfig {
  readonly file: string;
  /** A folder or URL laid out like ../shared: paintings under images/styles/, style networks under models/fast/. */
  readonly assets: AssetsSource;
  /** The assets are a folder in the cache, where the presets' paintings are downloaded when missing. */
  readonly downloadPaintings: boolean;
}

/**
 * The assets: presets.assets (a folder or URL), else ../shared next to the repository when it exists, else a folder
 * in the cache that the presets' paintings are downloaded into on the first start.
 */
export function presetsConfig(
  settings: Settings,
  cacheDir: string,
  shared = resolve(REPO_ROOT, '../shared'),
): PresetsConfig {
  const { file, assets } = settings.presets;
  if (assets !== undefined) return { file, assets: { location: assets, cacheDir }, downloadPaintings: false };
  if (existsSync(shared)) return { file, assets: { location: shared, cacheDir }, downloadPaintings: false };
  return { file, assets: { location: join(cacheDir, 'assets'), cacheDir }, downloadPaintings: true };
}

/**
 * Reads every setting (config/default.json, the file EASEL_CONFIG names, the environment) and checks it.
 * Throws ConfigError (a UserError) naming the variable and the key at fault.
 */
export function loadConfig(env: Env = process.env): Config {
  const settings = loadSettings(env);
  const { limits } = settings;
  const engine = engineConfig(settings);
  const { shutdownGraceMs, ...queue } = settings.queue;
  const { cacheDir } = engine.weights;
  return {
    logLevel: settings.logLevel,
    engine,
    queue,
    shutdownGraceMs,
    // The XDG place for an application's own data: unlike the cache, it must not be wiped, and it is outside the
    // checkout, so no journal or member's picture ever lands in git.
    journal: {
      dir: settings.dataDir ?? join(homedir(), '.local', 'share', 'easel'),
      maxInputBytes: limits.maxDataBytes,
    },
    remix: { keepMs: settings.remix.keepHours * 3_600_000, maxBytes: settings.remix.maxBytes },
    inputConcurrency: limits.inputConcurrency,
    limits: {
      maxDownloadBytes: limits.maxDownloadBytes,
      downloadTimeoutMs: limits.downloadTimeoutMs,
      // One cap for the download and the decode, so that raising it raises both.
      image: { ...DEFAULT_IMAGE_LIMITS, maxBytes: limits.maxDownloadBytes, maxPixels: limits.maxPixels },
      options: { maxSize: limits.maxSize, maxIterations: limits.maxIterations },
    },
    presets: presetsConfig(settings, cacheDir),
    cacheDir,
    discord: discordConfig(settings),
    slack: slackConfig(settings),
    playground: playgroundConfig(settings),
    ops: settings.ops,
    scaleout: {
      ...settings.scaleout,
      // The setting's rule lets only lane names through.
      workerLanes: [...new Set(settings.scaleout.workerLanes)] as LaneName[],
    },
  };
}
