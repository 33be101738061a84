import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino, { type Logger } from 'pino';
import sharp from 'sharp';
import { REPO_ROOT } from '../../src/config/paths.js';
import type { PlaygroundConfig } from '../../src/config/playground.js';
import type { StyleEngine } from '../../src/engine/engine.js';
import type { FeedForwardRequest, FeedForwardResult } from '../../src/engine/feedforward/index.js';
import { PresetGallery, queuePainter } from '../../src/gallery/index.js';
import { DEFAULT_IMAGE_LIMITS } from '../../src/images/limits.js';
import { InputLimiter } from '../../src/jobs/input-limiter.js';
import type { JobListener, JobSpec } from '../../src/jobs/job.js';
import type { PlatformDeps } from '../../src/jobs/platform.js';
import { loadPresets } from '../../src/jobs/presets.js';
import { JobQueue, type QueueNetworkEngine } from '../../src/jobs/queue.js';
import { Remixer, RemixStore } from '../../src/jobs/remix/index.js';
import { startPlayground, type PageFrame, type RunningPlayground } from '../../src/playground/index.js';
import { solidImage } from '../fixtures/images.js';
import { TEST_PRESETS } from '../presets/support.js';

export const SHARED = resolve(REPO_ROOT, '../shared');

/** Small settings, so that the real engine paints in a second or two: 48 px, shallow layers. */
const TINY = { size: 48, iterations: 6, content_layer: 'block2_conv2', style_layers: ['block1_conv1', 'block2_conv1'] };
export const TINY_LAYERS = ['block1_conv1', 'block2_conv1', 'block2_conv2'] as const;
export const OPTION_LIMITS = { maxSize: 64, maxIterations: 500 };

export interface TestPlayground {
  readonly playground: RunningPlayground;
  readonly queue: JobQueue;
  readonly deps: PlatformDeps;
  /** Puts a job from a chat member in the same line, e.g. to stand ahead of the page's. */
  readonly chatJob: (userId: string, listener?: JobListener) => void;
  stop(): Promise<void>;
}

export interface PlaygroundOptions {
  readonly token?: string;
  readonly host?: string;
  readonly maxUploadBytes?: number;
  readonly maxPerUser?: number;
  /** The job timeout, which also refuses jobs estimated to take longer. */
  readonly timeoutMs?: number;
  /** The presets' style networks; an InstantNetworkEngine by default. */
  readonly networkEngine?: QueueNetworkEngine;
  /** Silent by default (EASEL_TEST_LOG sets a level). */
  readonly logger?: Logger;
}

/**
 * A style network that paints at once: the result is the photo's shape at the size asked, in one colour, and every
 * request is kept for the test to look at.
 */
export class InstantNetworkEngine implements QueueNetworkEngine {
  readonly backend = 'instant';
  readonly maxSide = OPTION_LIMITS.maxSize;
  readonly asked: FeedForwardRequest[] = [];

  stylize(request: FeedForwardRequest): Promise<FeedForwardResult> {
    this.asked.push(request);
    const { width, height } = request.image;
    const scale = request.size / Math.max(width, height);
    const image = solidImage(Math.round(width * scale), Math.round(height * scale), NETWORK_COLOUR);
    return Promise.resolve({ image, ms: 20, backend: this.backend });
  }
}

/** The colour of every InstantNetworkEngine result. */
export const NETWORK_COLOUR = [30, 160, 220] as const;

/**
 * The playground on 127.0.0.1 (a free port) in front of `engine`, with three presets from ../shared: a style network
 * with its painting (wave), a style network alone (udnie) and a painting alone (starry_night).
 */
export async function startTestPlayground(
  engine: StyleEngine,
  options: PlaygroundOptions = {},
): Promise<TestPlayground> {
  const dir = await mkdtemp(join(tmpdir(), 'easel-playground-'));
  const presetsFile = join(dir, 'presets.json');
  await writeFile(
    presetsFile,
    JSON.stringify({
      defaults: TINY,
      gallery: { photo: 'images/content/kitten.jpg' },
      presets: {
        wave: TEST_PRESETS.wave,
        udnie: { ...TEST_PRESETS.udnie, trainedOn: { title: 'Udnie', artist: 'Francis Picabia', year: '1913' } },
        starry_night: {
          ...TEST_PRESETS.starry_night,
          painting: { ...TEST_PRESETS.starry_night.painting, options: { style_weight: 6 } },
        },
      },
    }),
  );
  const logger = options.logger ?? pino({ level: process.env.EASEL_TEST_LOG ?? 'silent' });
  const maxBytes = options.maxUploadBytes ?? 2 * 1024 * 1024;
  const image = { ...DEFAULT_IMAGE_LIMITS, maxBytes };
  // Next to the presets file, as main.ts keeps it next to the journal: the page's results get remix buttons.
  const remixStore = RemixStore.open({ dir, keepMs: 3_600_000, maxBytes: 64 * 1024 * 1024, logger });
  const queue = new JobQueue({
    observers: [remixStore],
    engine,
    networkEngine: options.networkEngine ?? new InstantNetworkEngine(),
    logger,
    maxPerUser: options.maxPerUser ?? 2,
    maxWaiting: 20,
    timeoutMs: options.timeoutMs ?? 120_000,
  });
  const presets = await loadPresets({
    file: presetsFile,
    assets: { location: SHARED, cacheDir: join(dir, 'cache') },
    optionLimits: OPTION_LIMITS,
    imageLimits: DEFAULT_IMAGE_LIMITS,
  });
  const deps: PlatformDeps = {
    queue,
    inputs: new InputLimiter(),
    presets,
    gallery: new PresetGallery({ presets, paint: queuePainter(queue, OPTION_LIMITS, presets.defaults), logger }),
    logger,
    remix: new Remixer({ store: remixStore, queue, presets, limits: OPTION_LIMITS, newSeed: () => 7 }),
    limits: { maxDownloadBytes: maxBytes, downloadTimeoutMs: 5_000, image, options: OPTION_LIMITS },
  };
  const config: PlaygroundConfig = { host: options.host ?? '127.0.0.1', port: 0, token: options.token };
  const playground = await startPlayground(deps, config);
  return {
    playground,
    queue,
    deps,
    chatJob: (userId, listener = () => undefined) => {
      const spec: JobSpec = {
        kind: 'gatys',
        requester: { platform: 'discord', userId },
        content: solidImage(40, 40, [200, 120, 40]),
        styles: [solidImage(40, 40, [20, 40, 160])],
        options: presets.defaults,
        label: 'Custom style',
      };
      queue.submit(spec, listener);
    },
    async stop() {
      await queue.close();
      await playground.stop();
      remixStore.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A shared photo or painting, shrunk to `side` px, as JPEG bytes. */
export function sharedJpeg(path: string, side = 48): Promise<Buffer> {
  return sharp(join(SHARED, 'images', path))
    .resize(side, side, { fit: 'inside' })
    .jpeg()
    .toBuffer();
}

/** A visitor of the page from Node: keeps the cookies the page sets and sends them back. */
export class Visitor {
  readonly #base: string;
  readonly #cookies = new Map<string, string>();
  readonly #headers: Record<string, string>;

  constructor(base: string, headers: Record<string, string> = {}) {
    this.#base = base;
    this.#headers = headers;
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const headers = { ...this.#headers, ...(cookie ? { cookie } : {}), ...(init.headers as Record<string, string>) };
    const response = await fetch(new URL(path, this.#base), { redirect: 'manual', ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      this.#cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  }

  /** Opens the page, which hands out the visitor's cookie. */
  async open(): Promise<this> {
    const page = await this.fetch('/');
    await page.text();
    return this;
  }

  /** Posts a job the way the page does. */
  post(fields: Record<string, string>, files: Record<string, Buffer>): Promise<Response> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    for (const [name, bytes] of Object.entries(files))
      form.append(name, new Blob([bytes], { type: 'image/jpeg' }), `${name}.jpg`);
    return this.fetch('/api/jobs', { method: 'POST', body: form });
  }

  /** Every frame of a job's event stream, through to the last one. */
  async frames(events: string, onFrame: (frame: PageFrame) => void = () => undefined): Promise<PageFrame[]> {
    const response = await this.fetch(events);
    if (!response.ok || response.body === null) throw new Error(`events answered ${response.status}`);
    const frames: PageFrame[] = [];
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
        const message = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const data = message.split('\n').find((line) => line.startsWith('data: '));
        if (data === undefined) continue;
        const frame = JSON.parse(data.slice('data: '.length)) as PageFrame;
        frames.push(frame);
        onFrame(frame);
      }
    }
    return frames;
  }
}
