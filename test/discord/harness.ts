import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino, { type Logger } from 'pino';
import sharp from 'sharp';
import { vi } from 'vitest';
import type { DiscordConfig } from '../../src/config/discord.js';
import { REPO_ROOT } from '../../src/config/paths.js';
import { startDiscord } from '../../src/discord/index.js';
import { startEngine, type StyleEngine } from '../../src/engine/index.js';
import { PresetGallery, queuePainter } from '../../src/gallery/index.js';
import { DEFAULT_IMAGE_LIMITS } from '../../src/images/limits.js';
import type { PlatformDeps, RunningPlatform } from '../../src/jobs/platform.js';
import { loadPresets } from '../../src/jobs/presets.js';
import { InputLimiter } from '../../src/jobs/input-limiter.js';
import { JobQueue, type QueueNetworkEngine } from '../../src/jobs/queue.js';
import { Remixer } from '../../src/jobs/remix/index.js';
import { openRemixStore, type RemixSetup } from '../support/remix.js';
import { DiscordStandIn, snowflake, type StandInUser, type StoredMessage } from '../standins/discord/server.js';

export const SHARED = resolve(REPO_ROOT, '../shared');
const logger = pino({ level: process.env.EASEL_TEST_LOG ?? 'silent' });

/** Tiny settings so a real job takes a second or two on CPU: 48 px, shallow layers. */
const TINY = {
  size: 48,
  iterations: 8,
  content_layer: 'block2_conv2',
  style_layers: ['block1_conv1', 'block2_conv1'],
};
const LAYERS = ['block1_conv1', 'block2_conv1', 'block2_conv2'] as const;

let scratch: string | undefined;
async function scratchDir(): Promise<string> {
  scratch ??= await mkdtemp(join(tmpdir(), 'easel-discord-'));
  return scratch;
}

/** The real engine, for the end-to-end test; every other chat test runs on a ControlledEngine. */
export async function startTinyEngine(): Promise<StyleEngine> {
  const cacheDir = join(await scratchDir(), 'cache');
  return startEngine(
    { weights: { location: join(SHARED, 'models/vgg19'), cacheDir }, slots: 1, threads: 2, layers: LAYERS },
    logger,
  );
}

export async function cleanScratch(): Promise<void> {
  if (scratch) await rm(scratch, { recursive: true, force: true });
  scratch = undefined;
}

/** A painting or photo from ../shared, shrunk to `side` px, as JPEG bytes. */
export async function sharedImage(path: string, side = 64): Promise<Buffer> {
  return sharp(join(SHARED, 'images', path))
    .resize(side, side, { fit: 'inside' })
    .jpeg()
    .toBuffer();
}

/** Two presets that paint their paintings (no network), so Gatys jobs run on the test's engine. */
const PAINTING_PRESETS = {
  great_wave: {
    name: 'The Great Wave (Hokusai)',
    emoji: '🌊',
    slack: 'ocean',
    painting: {
      image: 'images/styles/hokusai_great_wave.jpg',
      title: 'The Great Wave off Kanagawa',
      artist: 'Hokusai',
      year: 'c. 1831',
    },
  },
  scream: {
    name: 'The Scream (Munch)',
    emoji: '😱',
    slack: 'scream',
    painting: {
      image: 'images/styles/munch_the_scream.jpg',
      title: 'The Scream',
      artist: 'Edvard Munch',
      year: '1893',
    },
  },
};

/** A presets file with the tiny defaults and `presets`: by default two that paint their paintings. */
export async function tinyPresetsFile(presets: Readonly<Record<string, unknown>> = PAINTING_PRESETS): Promise<string> {
  const file = join(await scratchDir(), `presets-${snowflake()}.json`);
  await writeFile(file, JSON.stringify({ defaults: TINY, gallery: { photo: 'images/content/kitten.jpg' }, presets }));
  return file;
}

export async function scratchPath(name: string): Promise<string> {
  return join(await scratchDir(), name);
}

export interface BotOptions {
  /** The allow-list, picked from the stand-in's channels. */
  readonly channels?: (standIn: DiscordStandIn) => readonly string[];
  readonly tokenTtlMs?: number;
  readonly standInTokenTtlMs?: number;
  readonly maxPixels?: number;
  readonly timeoutMs?: number;
  /** Where the bot logs; silent by default. */
  readonly logger?: Logger;
  /** The bot token the stand-in expects. */
  readonly token?: string;
  /** Serves presets' style networks; without it the queue has no network lane. */
  readonly networkEngine?: QueueNetworkEngine;
  /** The presets (as in config/presets.json, by id) instead of two that paint their paintings. */
  readonly presets?: Readonly<Record<string, unknown>>;
  /**
   * Remix buttons, with their inputs (and Discord's photo threads) kept in `dataDir`: a new bot on the same one is
   * easel after a restart.
   */
  readonly remix?: RemixSetup;
  /** A stand-in to connect to instead of a fresh one, as a bot started again after a restart does; left open. */
  readonly standIn?: DiscordStandIn;
}

export interface Bot {
  readonly standIn: DiscordStandIn;
  readonly queue: JobQueue;
  readonly platform: RunningPlatform;
  stop(): Promise<void>;
}

/**
 * A real discord.js bot, on a fresh stand-in, with a fresh queue in front of `engine`: a ControlledEngine
 * (test/jobs/controlled-engine.ts) whose jobs progress only when the test says, or the real tiny engine.
 */
export async function startBot(engine: StyleEngine, options: BotOptions = {}): Promise<Bot> {
  const standIn =
    options.standIn ??
    (await DiscordStandIn.start({
      interactionTokenTtlMs: options.standInTokenTtlMs,
      token: options.token,
    }));
  const log = options.logger ?? logger;
  const presetsFile = await tinyPresetsFile(options.presets);
  const optionLimits = { maxSize: 64, maxIterations: 2000 };
  const image = { ...DEFAULT_IMAGE_LIMITS, maxPixels: options.maxPixels ?? DEFAULT_IMAGE_LIMITS.maxPixels };
  const assets = { location: SHARED, cacheDir: join(await scratchDir(), 'cache') };
  const presets = await loadPresets({ file: presetsFile, assets, optionLimits, imageLimits: DEFAULT_IMAGE_LIMITS });
  const { remix } = options;
  const store = openRemixStore(remix, log);
  const queue = new JobQueue({
    engine,
    networkEngine: options.networkEngine,
    logger: log,
    maxPerUser: 2,
    maxWaiting: 20,
    timeoutMs: options.timeoutMs ?? 120_000,
    observers: store ? [store] : [],
  });
  const deps: PlatformDeps = {
    queue,
    inputs: new InputLimiter(),
    presets,
    gallery: new PresetGallery({ presets, paint: queuePainter(queue, optionLimits, presets.defaults), logger: log }),
    logger: log,
    ...(remix ? { dataDir: remix.dataDir } : {}),
    ...(store ? { remix: new Remixer({ store, queue, presets, limits: optionLimits, newSeed: remix?.newSeed }) } : {}),
    limits: { maxDownloadBytes: 2 * 1024 * 1024, downloadTimeoutMs: 5_000, image, options: optionLimits },
  };
  const config: DiscordConfig = {
    token: standIn.token,
    applicationId: undefined,
    guildId: standIn.guildId,
    apiUrl: standIn.apiUrl,
    channels: options.channels?.(standIn) ?? [],
    tokenTtlMs: options.tokenTtlMs ?? 14.5 * 60_000,
    progressIntervalMs: 100,
    previewIntervalMs: 400,
  };
  const platform = await startDiscord(deps, config);
  return {
    standIn,
    queue,
    platform,
    async stop() {
      await queue.close();
      await platform.stop();
      store?.close();
      if (!options.standIn) await standIn.close();
    },
  };
}

export function user(name: string): StandInUser {
  return { id: snowflake(), username: name };
}

/** Waits until `find` returns something; fails with `what` if it never does. */
export async function waitFor<T>(what: string, find: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  return vi.waitFor(
    () => {
      const found = find();
      if (found === undefined || found === false) throw new Error(`still waiting for ${what}`);
      return found;
    },
    { timeout: timeoutMs, interval: 25 },
  );
}

/** The messages in a channel or thread that carry a result. */
export function resultsIn(standIn: DiscordStandIn, channelId: string): StoredMessage[] {
  return standIn
    .messagesIn(channelId)
    .filter((message) => message.attachments.some((a) => a.filename === 'result.png'));
}

/** The message's texts over time, newest last. */
/** The bot's replies to a message, in the channel (they answer reactions that got no thread). */
export function botRepliesTo(standIn: DiscordStandIn, message: StoredMessage): StoredMessage[] {
  return standIn
    .messagesIn(message.channel_id)
    .filter((m) => m.author.bot && m.id !== message.id && m.content.startsWith('🎨'));
}

export function texts(message: StoredMessage): string[] {
  return message.history.map((state) => state.content);
}

/** Words a user must never see. */
export const LEAKS = /undefined|NaN|Error:|\n\s*at \S+ \(|DiscordAPIError|TypeError|itoken-/;

/** Appends measured figures to out/discord-timings.jsonl for the closing note, and prints them. */
export async function recordTiming(name: string, figures: Record<string, number>): Promise<void> {
  console.log(`[timing] ${name}: ${JSON.stringify(figures)}`);
  const dir = join(REPO_ROOT, 'out');
  await mkdir(dir, { recursive: true });
  await appendFile(
    join(dir, 'discord-timings.jsonl'),
    `${JSON.stringify({ name, ...figures, at: new Date().toISOString() })}\n`,
  );
}
