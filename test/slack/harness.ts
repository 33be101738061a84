import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import sharp from 'sharp';
import type { SlackConfig } from '../../src/config/slack.js';
import type { StyleEngine } from '../../src/engine/engine.js';
import { startEngine } from '../../src/engine/index.js';
import type { OptionLimits } from '../../src/options/index.js';
import type { ImageLimits } from '../../src/images/limits.js';
import { PresetGallery, queuePainter } from '../../src/gallery/index.js';
import type { PlatformDeps } from '../../src/jobs/platform.js';
import { Remixer } from '../../src/jobs/remix/index.js';
import { openRemixStore, type RemixSetup } from '../support/remix.js';
import { loadPresets } from '../../src/jobs/presets.js';
import { InputLimiter } from '../../src/jobs/input-limiter.js';
import { JobQueue, type QueueNetworkEngine } from '../../src/jobs/queue.js';
import { startSlack } from '../../src/slack/index.js';
import { sharedContent } from '../fixtures/images.js';
import { ControlledEngine } from '../jobs/controlled-engine.js';
import { SHARED, SHARED_VGG19 } from '../support/engine.js';
import { slashCommand } from '../standins/slack/envelopes.js';
import {
  startSlackStandIn,
  type Ack,
  type ApiCall,
  type SlackStandIn,
  type StoredMessage,
} from '../standins/slack/server.js';

/** Tiny settings so a real job takes about a second on two CPU cores. */
const TINY = {
  size: 32,
  iterations: 3,
  content_layer: 'block2_conv2',
  style_layers: [
    { layer: 'block1_conv1', weight: 1 },
    { layer: 'block2_conv1', weight: 1 },
  ],
};

const IMAGE_LIMITS: ImageLimits = { maxBytes: 2 * 1024 * 1024, maxPixels: 1_000_000, minSide: 16 };
const OPTION_LIMITS: OptionLimits = { maxSize: 64, maxIterations: 400 };

/** The real engine, for the end-to-end test; loading VGG19 is the slow part, so one serves a whole file. */
function startTinyEngine(): Promise<StyleEngine> {
  return startEngine(
    {
      weights: { location: SHARED_VGG19, cacheDir: join(tmpdir(), 'easel-test-weights') },
      slots: 1,
      threads: 1,
      layers: ['block1_conv1', 'block2_conv1', 'block2_conv2'],
    },
    pino({ level: 'silent' }),
  );
}

export interface Bot<Engine extends StyleEngine = StyleEngine> {
  readonly engine: Engine;
  readonly slack: SlackStandIn;
  readonly queue: JobQueue;
  /** Where Slack would POST events, in HTTP mode. */
  readonly eventsUrl: string | undefined;
  stop(): Promise<void>;
}

export interface BotOptions {
  readonly channels?: readonly string[];
  /** Receive events over HTTP, signed with this secret, instead of Socket Mode. */
  readonly signingSecret?: string;
  /** Where the bot logs; silent by default. */
  readonly logger?: Logger;
  /** Serves presets' style networks; without it the queue has no network lane. */
  readonly networkEngine?: QueueNetworkEngine;
  /** The presets (as in config/presets.json, by id) instead of one that paints its painting. */
  readonly presets?: Readonly<Record<string, unknown>>;
  /** Remix buttons, with their inputs kept in `dataDir` (a new bot on the same one is easel after a restart). */
  readonly remix?: RemixSetup;
  /** A stand-in to connect to instead of a fresh one, as easel started again after a restart does; left open. */
  readonly slack?: SlackStandIn;
}

/** One preset that paints its painting (no network), so its jobs run on the test's engine. */
const PAINTING_PRESETS = {
  great_wave: {
    name: 'The Great Wave',
    emoji: '🌊',
    slack: 'ocean',
    painting: {
      image: 'images/styles/hokusai_great_wave.jpg',
      title: 'The Great Wave off Kanagawa',
      artist: 'Hokusai',
      year: 'c. 1831',
    },
  },
};

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** The real Slack adapter and queue in front of `engine`, talking to a fresh stand-in over 127.0.0.1. */
export async function startBot<Engine extends StyleEngine>(
  engine: Engine,
  options: BotOptions = {},
): Promise<Bot<Engine>> {
  const dir = await mkdtemp(join(tmpdir(), 'easel-slack-'));
  const presetsFile = join(dir, 'presets.json');
  await writeFile(
    presetsFile,
    JSON.stringify({
      defaults: TINY,
      gallery: { photo: 'images/content/kitten.jpg' },
      presets: options.presets ?? PAINTING_PRESETS,
    }),
  );
  const logger = options.logger ?? pino({ level: 'silent' });
  const { remix } = options;
  const store = openRemixStore(remix, logger);
  const queue = new JobQueue({
    engine,
    networkEngine: options.networkEngine,
    logger,
    observers: store ? [store] : [],
  });
  const assets = { location: SHARED, cacheDir: join(dir, 'cache') };
  const presets = await loadPresets({
    file: presetsFile,
    assets,
    optionLimits: OPTION_LIMITS,
    imageLimits: IMAGE_LIMITS,
  });
  const deps: PlatformDeps = {
    queue,
    inputs: new InputLimiter(),
    presets,
    gallery: new PresetGallery({ presets, paint: queuePainter(queue, OPTION_LIMITS, presets.defaults), logger }),
    logger,
    ...(store ? { remix: new Remixer({ store, queue, presets, limits: OPTION_LIMITS, newSeed: remix?.newSeed }) } : {}),
    limits: {
      maxDownloadBytes: IMAGE_LIMITS.maxBytes,
      downloadTimeoutMs: 5000,
      image: IMAGE_LIMITS,
      options: OPTION_LIMITS,
    },
  };
  const slack = options.slack ?? (await startSlackStandIn());
  const port = options.signingSecret === undefined ? undefined : await freePort();
  const config: SlackConfig = {
    botToken: slack.botToken,
    connection:
      options.signingSecret === undefined || port === undefined
        ? { mode: 'socket', appToken: slack.appToken }
        : { mode: 'http', signingSecret: options.signingSecret, port },
    apiUrl: slack.apiUrl,
    channels: options.channels ?? [],
    progressIntervalMs: 200,
  };
  const platform = await startSlack(deps, config);
  if (port === undefined) await slack.connected();
  return {
    engine,
    slack,
    queue,
    eventsUrl: port === undefined ? undefined : `http://127.0.0.1:${port}/slack/events`,
    async stop() {
      await queue.close();
      await platform.stop();
      store?.close();
      if (!options.slack) await slack.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A small JPEG cut from one of the shared photos. */
export async function photo(name = 'tubingen.jpg', width = 48): Promise<Buffer> {
  return sharp(await sharedContent(name))
    .resize({ width })
    .jpeg()
    .toBuffer();
}

/** A small JPEG of one of the shared paintings. */
export async function painting(name = 'vangogh_starry_night.jpg', side = 40): Promise<Buffer> {
  const bytes = await readFile(join(SHARED, 'images/styles', name));
  return sharp(bytes).resize({ width: side, height: side, fit: 'cover' }).jpeg().toBuffer();
}

export function postJpeg(
  slack: SlackStandIn,
  user: string,
  channel: string,
  bytes: Uint8Array,
  threadTs?: string,
): StoredMessage {
  return slack.postFile({
    channel,
    user,
    name: 'picture.jpg',
    mimetype: 'image/jpeg',
    bytes,
    ...(threadTs ? { threadTs } : {}),
  });
}

export function command(slack: SlackStandIn, user: string, channel: string, text: string): Promise<Ack> {
  return slack.send('slash_commands', slashCommand({ user, channel, text, responseUrl: slack.responseUrl() }));
}

export function textOf(call: ApiCall): string {
  return typeof call.args.text === 'string' ? call.args.text : '';
}

/** Every status text of the job message posted in `threadTs`: the post, then each edit, in order. */
export function jobTexts(slack: SlackStandIn, channel: string, threadTs: string): string[] {
  const post = slack
    .callsOf('chat.postMessage')
    .find((c) => c.args.channel === channel && c.args.thread_ts === threadTs);
  const ts = post?.result?.ts;
  if (!post || typeof ts !== 'string') return [];
  return [
    textOf(post),
    ...slack
      .callsOf('chat.update')
      .filter((c) => c.args.ts === ts)
      .map(textOf),
  ];
}

/** Everything the bot said, in any form, for checks that it never leaks internals. */
export function everythingSaid(slack: SlackStandIn): string[] {
  const said = slack.calls.filter((c) =>
    ['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'files.completeUploadExternal'].includes(c.method),
  );
  return [
    ...said.map(
      (c) =>
        `${textOf(c)} ${typeof c.args.initial_comment === 'string' ? c.args.initial_comment : ''} ${JSON.stringify(c.args.blocks ?? '')}`,
    ),
    ...slack.responses.map((r) => JSON.stringify(r)),
  ];
}

export const LEAKS = /undefined|NaN|\bnull\b|Error:|\bat .+:\d+|xox[bp]-|slack_webapi|\[object Object\]/;

const FIGURES = fileURLToPath(new URL('../../out/slack-timings.jsonl', import.meta.url));

/** Keeps a measured figure for the lead: printed, and appended to out/slack-timings.jsonl. */
export async function recordFigure(name: string, ms: number): Promise<void> {
  console.log(`[slack timing] ${name}: ${ms.toFixed(1)} ms`);
  await mkdir(join(FIGURES, '..'), { recursive: true });
  await appendFile(
    FIGURES,
    `${JSON.stringify({ name, ms: Math.round(ms * 10) / 10, at: new Date().toISOString() })}\n`,
  );
}

/** After each test, nothing the bot said may leak internals. */
async function stopAndCheck(bot: Bot): Promise<void> {
  const said = everythingSaid(bot.slack);
  await bot.stop();
  expect(said.filter((text) => LEAKS.test(text))).toEqual([]);
}

/**
 * The hooks most Slack integration tests share: a fresh bot per test on a ControlledEngine, whose jobs
 * progress and end only when the test says (`bot().engine.nextRun()`), so counts and orders are exact.
 */
export function useBot(options: BotOptions = {}): () => Bot<ControlledEngine> {
  let bot: Bot<ControlledEngine> | undefined;
  beforeEach(async () => {
    bot = await startBot(new ControlledEngine(), options);
  });
  afterEach(async () => {
    await stopAndCheck(bot!);
  });
  return () => bot!;
}

/** The same on the real tiny engine, one per file, for end-to-end tests that assert outcomes only. */
export function useRealEngineBot(options: BotOptions = {}): () => Bot {
  let engine: StyleEngine;
  let bot: Bot | undefined;
  beforeAll(async () => {
    engine = await startTinyEngine();
  });
  afterAll(async () => {
    await engine.close();
  });
  beforeEach(async () => {
    bot = await startBot(engine, options);
  });
  afterEach(async () => {
    await stopAndCheck(bot!);
  });
  return () => bot!;
}
