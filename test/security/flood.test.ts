import { readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/images/decode.js';
import { DEFAULT_IMAGE_LIMITS } from '../../src/images/limits.js';
import { inputSides } from '../../src/jobs/fetch-image.js';
import { INPUT_CONCURRENCY } from '../../src/jobs/input-limiter.js';
import { ControlledEngine } from '../jobs/controlled-engine.js';
import { pngBomb } from '../fixtures/images.js';
import type { CommandOption, SentInteraction, StandInUser, StoredAttachment } from '../standins/discord/server.js';
import { LEAKS, SHARED, cleanScratch, startBot, user, waitFor, type Bot } from '../discord/harness.js';

/**
 * Issue 8, part 2, through the real discord.js bot on the Discord stand-in: one member sends 30 /stylize commands
 * at once, then ten members send 30 between them, every one with 4000×4000 images. Each request reserves its place
 * before anything is downloaded, at most INPUT_CONCURRENCY requests download and decode at a time, and each image
 * is decoded straight to the job's 48 px, so the process's peak memory stays within a bound worked out from those
 * limits. The controlled engine holds the jobs, so what is measured is the queue's and the decoder's doing.
 */

const MB = 1024 * 1024;
const SIDE = 4000;
/** One 4000×4000 image as 8-bit RGB: what each queued job held per image before shrink-on-load. */
const FULL_RGB = SIDE * SIDE * 3;
/** Images a /stylize with a style attachment downloads and decodes (content and style), at once. */
const IMAGES_PER_REQUEST = 2;
/**
 * What a flood may add to the process on top of the images being decoded: V8's heap growing with 60 interactions,
 * libvips' operation cache (50 MB by default) and per-thread buffers, sockets. Generous, so the bound holds on any
 * machine; still far below what keeping the jobs' images at full size would take (23 images, over 1 GB).
 */
const HEADROOM = 256 * MB;
/** The harness's settings (test/discord/harness.ts): jobs of 48 px at most 64, 2 per member, 20 waiting. */
const JOB_SIDE = 48;
const MAX_SIZE = 64;
const PER_MEMBER = 2;
const MAX_WAITING = 20;

const TOO_MANY = '⚠️ You already have 2 jobs in line. Wait for one to finish (or cancel one), then try again.';
const QUEUE_FULL = '⚠️ The queue is full right now (20 jobs waiting). Please try again in a few minutes.';
const BAD_DOWNLOAD =
  "⚠️ I couldn't download the content image. Please upload the picture itself here (not a link to it), " +
  'under 2 MB, and try again.';
const BOMB =
  '⚠️ The content image is 8000×8000 px (64 megapixels); the limit is 50 megapixels. ' +
  'Scale it down and send it again.';
const TOO_LONG = /^⚠️ At 64 px I can do about \d+ iterations in the time I allow; try `iterations:\d+`\.$/;

/**
 * The process's peak resident memory from construction to `stop()`: the kernel's own high-water mark (VmHWM),
 * reset at the start, where Linux allows that; and RSS sampled every few milliseconds in any case.
 */
class PeakRss {
  readonly #fromKernel = resetHighWaterMark();
  #sampled = process.memoryUsage.rss();
  readonly #timer = setInterval(() => this.#sample(), 5);

  #sample(): void {
    this.#sampled = Math.max(this.#sampled, process.memoryUsage.rss());
  }

  stop(): number {
    clearInterval(this.#timer);
    this.#sample();
    return this.#fromKernel ? Math.max(this.#sampled, highWaterMark()) : this.#sampled;
  }
}

/** Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0 and later). */
function resetHighWaterMark(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function highWaterMark(): number {
  const kB = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return Number(kB) * 1024;
}

function megabytes(bytes: number): number {
  return Math.round(bytes / MB);
}

let bot: Bot;
let engine: ControlledEngine;
/** 4000×4000: a PNG of a few hundred KB, a JPEG of about 1 MB. */
let bigPng: Buffer;
let bigJpeg: Buffer;

beforeAll(async () => {
  const kitten = await sharp(`${SHARED}/images/content/kitten.jpg`).resize(64, 64, { fit: 'cover' }).toBuffer();
  bigPng = await sharp(kitten).resize(SIDE, SIDE, { kernel: 'nearest' }).png().toBuffer();
  const wave = sharp(`${SHARED}/images/styles/hokusai_great_wave.jpg`).resize(SIDE, SIDE, { fit: 'fill' });
  bigJpeg = await wave.jpeg().toBuffer();
  // libvips starts its threads and allocates their buffers on first use; that belongs to the baseline.
  await decodeImage(bigPng, DEFAULT_IMAGE_LIMITS, { maxSide: JOB_SIDE });
  await decodeImage(bigJpeg, DEFAULT_IMAGE_LIMITS, { maxSide: JOB_SIDE });
});

afterAll(async () => {
  await cleanScratch();
});

function stylize(
  member: StandInUser,
  content: StoredAttachment,
  rest: CommandOption[] = [],
  files: StoredAttachment[] = [],
): SentInteraction {
  const options = [{ name: 'content', type: 11, value: content.id }, ...rest];
  return bot.standIn.sendCommand(member, 'stylize', options, [content, ...files]);
}

/** What each member finally reads in their reply: a refusal, or the job's status once it is in line. */
async function answers(sent: readonly SentInteraction[]): Promise<string[]> {
  const answered = (one: SentInteraction): string | undefined =>
    bot.standIn.originalResponse(one)?.content || undefined;
  await waitFor('an answer to every request', () => sent.every(answered), 120_000);
  return sent.map((one) => answered(one)!);
}

function tally(texts: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const text of texts) {
    const refusal = text === TOO_MANY ? 'too many' : text === QUEUE_FULL ? 'queue full' : text;
    const kind = text.startsWith('⚠️') ? refusal : 'in line';
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

describe('what a job decodes', () => {
  it('decodes the content at the size Bigger paints, and a style at that × style scale within the largest side', () => {
    // Bigger goes from 512 to 768 px, where a style scale of 1.5 would ask 1152 of a 1024 px cap.
    expect(inputSides({ size: 512, styleScale: 1.5 }, 1024)).toEqual({ content: 768, style: 1024 });
    expect(inputSides({ size: 512, styleScale: 1 }, 512)).toEqual({ content: 512, style: 512 });
    expect(inputSides({ size: 1024, styleScale: 4 }, 1024)).toEqual({ content: 1024, style: 1024 });
    expect(inputSides({ size: 256, styleScale: 0.5 }, 1024)).toEqual({ content: 384, style: 192 });
  });
});

describe('a flood of /stylize commands with 4000×4000 images', () => {
  beforeEach(async () => {
    engine = new ControlledEngine();
    // A long timeout, so that however slow the machine, no job ends and frees a place while the floods run.
    bot = await startBot(engine, { timeoutMs: 3_600_000 });
  });

  afterEach(async () => {
    await bot.stop();
  });

  it('refuses what is over the limits before downloading it, and keeps peak memory within the bound', async () => {
    const { standIn } = bot;
    const content = standIn.hostFile('big.png', bigPng, 'image/png');
    const style = standIn.hostFile('big.jpg', bigJpeg, 'image/jpeg');
    const jpegContent = standIn.hostFile('big-content.jpg', bigJpeg, 'image/jpeg');
    const baseline = process.memoryUsage.rss();
    const peak = new PeakRss();

    const alice = user('alice');
    const fromOne = Array.from({ length: 30 }, () =>
      stylize(alice, content, [{ name: 'style', type: 11, value: style.id }], [style]),
    );
    const one = tally(await answers(fromOne));

    const members = Array.from({ length: 10 }, (_, k) => user(`member${k}`));
    const preset: CommandOption = { name: 'preset', type: 3, value: 'great_wave' };
    const fromTen = [0, 1, 2].flatMap(() => members.map((member) => stylize(member, jpegContent, [preset])));
    const ten = tally(await answers(fromTen));
    const peakRss = peak.stop();

    // Alice: two places; the other 28 are refused before anything is downloaded.
    expect(one).toEqual({ 'in line': PER_MEMBER, 'too many': 28 });
    // Alice's second job waits (her first runs), so 19 of the 20 places are left: nine members get two, one gets
    // one. The nine's third tries are too many; the tenth member's other two find the queue full.
    expect(ten).toEqual({ 'in line': MAX_WAITING - 1, 'too many': 9, 'queue full': 2 });

    const bound = baseline + INPUT_CONCURRENCY * IMAGES_PER_REQUEST * FULL_RGB + HEADROOM;
    console.log(
      `[flood] peak RSS ${megabytes(peakRss)} MB: baseline ${megabytes(baseline)} MB` +
        ` + ${megabytes(peakRss - baseline)} MB over the 60 requests; bound ${megabytes(bound)} MB` +
        ` (baseline + ${INPUT_CONCURRENCY} at once × ${IMAGES_PER_REQUEST} images × ${megabytes(FULL_RGB)} MB` +
        ` + ${megabytes(HEADROOM)} MB headroom)`,
    );
    expect(peakRss).toBeLessThanOrEqual(bound);

    // Every job that got a place holds its images at the size its Bigger button paints (the 64 px cap for these 48 px
    // jobs), not 4000 px, and runs in turn. Alice's uploaded styles too; the preset's, shared by every job, at the
    // largest side any job may ask for.
    const accepted = PER_MEMBER + MAX_WAITING - 1;
    for (let k = 0; k < accepted; k++) {
      const run = await engine.nextRun();
      const { content: image, styles } = run.request;
      expect([image.width, image.height]).toEqual([MAX_SIZE, MAX_SIZE]);
      for (const s of styles) expect(Math.max(s.width, s.height)).toBeLessThanOrEqual(MAX_SIZE);
      run.finish();
    }
    expect(engine.runs).toHaveLength(accepted);
  });
});

describe('each kind of refusal', () => {
  beforeEach(async () => {
    engine = new ControlledEngine().finishEveryRun();
    bot = await startBot(engine);
  });

  afterEach(async () => {
    await bot.stop();
  });

  it('tells the member what went wrong, in words of their own, for each way a request is refused', async () => {
    const { standIn } = bot;
    const small = standIn.hostFile('small.jpg', await sharp(bigJpeg).resize(64).jpeg().toBuffer(), 'image/jpeg');
    // Random pixels do not compress: 1200×1200 of them is over the 2 MB download cap.
    const noise = await sharp(randomBytes(1200 * 1200 * 3), { raw: { width: 1200, height: 1200, channels: 3 } })
      .png()
      .toBuffer();
    expect(noise.length).toBeGreaterThan(2 * MB);
    const preset: CommandOption = { name: 'preset', type: 3, value: 'great_wave' };
    const cases = {
      'file over the download cap': stylize(user('ursula'), standIn.hostFile('huge.png', noise, 'image/png'), [preset]),
      'download that fails': stylize(user('victor'), standIn.redirectFile('gone.png', 'http://127.0.0.1:9/'), [preset]),
      'decompression bomb': stylize(user('wendy'), standIn.hostFile('bomb.png', pngBomb(8000), 'image/png'), [preset]),
      'job too long for the timeout': stylize(user('xavier'), small, [
        preset,
        { name: 'size', type: 4, value: 64 },
        { name: 'iterations', type: 4, value: 2000 },
      ]),
    };
    const texts = await answers(Object.values(cases));
    const seen = Object.fromEntries(Object.keys(cases).map((kind, k) => [kind, texts[k]!]));
    for (const [kind, text] of Object.entries(seen)) console.log(`[refusal] ${kind}: ${text}`);

    expect(seen['file over the download cap']).toBe(BAD_DOWNLOAD);
    expect(seen['download that fails']).toBe(BAD_DOWNLOAD);
    expect(seen['decompression bomb']).toBe(BOMB);
    expect(seen['job too long for the timeout']).toMatch(TOO_LONG);
    for (const text of texts) expect(text).not.toMatch(LEAKS);
    expect(engine.runs).toEqual([]);
  });

  it("refuses ten members' decompression bombs at once from their headers, never decoding their pixels", async () => {
    const { standIn } = bot;
    const bomb = standIn.hostFile('bomb.png', pngBomb(8000), 'image/png');
    const preset: CommandOption = { name: 'preset', type: 3, value: 'great_wave' };
    const baseline = process.memoryUsage.rss();
    const peak = new PeakRss();
    const texts = await answers(Array.from({ length: 10 }, (_, k) => stylize(user(`bomber${k}`), bomb, [preset])));
    const peakRss = peak.stop();

    expect(texts).toEqual(Array.from({ length: 10 }, () => BOMB));
    // One bomb decoded would be 8000² × 3 bytes = 192 MB.
    const added = megabytes(peakRss - baseline);
    console.log(`[bombs] peak RSS ${megabytes(peakRss)} MB: baseline + ${added} MB for 10 bombs at once`);
    expect(peakRss - baseline).toBeLessThan(8000 * 8000 * 3);
  });
});
