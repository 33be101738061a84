import { pino } from 'pino';
import sharp from 'sharp';
import { afterEach, expect, test, vi } from 'vitest';
import type { RgbImage } from '../../src/engine/types.js';
import { PREVIEW_INTERVAL_MS } from '../../src/slack/previews.js';
import type { ControlledRun } from '../jobs/controlled-engine.js';
import { signedForm, slashCommand } from '../standins/slack/envelopes.js';
import type { StoredMessage, Upload } from '../standins/slack/server.js';
import { jobTexts, painting, photo, postJpeg, useBot } from './harness.js';

const SECRET = 'standin-signing-secret';

interface LogLine {
  readonly msg: string;
  readonly previews?: boolean;
}

/** What the bot logs at warn and above, to check that a preview's failure is told, and how. */
const warnings: LogLine[] = [];
const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line) as LogLine) });

// HTTP mode, so that moving the clock 30 s on cannot trip Socket Mode's ping timeouts.
const bot = useBot({ signingSecret: SECRET, logger });

afterEach(() => {
  vi.useRealTimers();
  warnings.length = 0;
});

/** A flat grey picture, larger than a preview, so each preview can be told apart by its shade and its size checked. */
function grey(shade: number): RgbImage {
  return { width: 400, height: 300, data: new Uint8Array(400 * 300 * 3).fill(shade) };
}

async function shadeOf(upload: Upload): Promise<number> {
  const { channels } = await sharp(upload.bytes).stats();
  return Math.round(channels[0]?.mean ?? Number.NaN);
}

const isPreview = (upload: Upload): boolean => upload.filename === 'preview.jpg';

/** The previews a member sees in the thread now, by file id. */
function previewsIn(thread: readonly StoredMessage[]): string[] {
  return thread.flatMap((m) => m.files ?? []).flatMap((f) => (f.name === 'preview.jpg' ? [f.id] : []));
}

/**
 * Starts a 40-iteration job from a photo and a painting, over HTTP as Slack sends a command, and hands over its run
 * once it paints, with the clock faked from then on (it still moves with real time, so the HTTP calls go on).
 */
async function startJob(): Promise<{ run: ControlledRun; threadTs: string }> {
  const { slack, engine, eventsUrl } = bot();
  postJpeg(slack, 'U1', 'C1', await photo('tubingen.jpg', 40));
  const style = postJpeg(slack, 'U1', 'C1', await painting('munch_the_scream.jpg', 40));
  const command = slashCommand({ user: 'U1', channel: 'C1', text: 'iterations=40', responseUrl: slack.responseUrl() });
  expect((await fetch(eventsUrl ?? '', { method: 'POST', ...signedForm(command, SECRET) })).status).toBe(200);
  const run = await engine.nextRun();
  await expect.poll(() => jobTexts(slack, 'C1', style.ts).at(-1)).toMatch(/Starting to paint/);
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], shouldAdvanceTime: true });
  return { run, threadTs: style.ts };
}

/** Reports `iteration` with a preview, and waits until the status message shows that progress. */
async function progress(run: ControlledRun, threadTs: string, iteration: number, shade: number): Promise<void> {
  run.progress(iteration, { preview: grey(shade) });
  await expect
    .poll(() => jobTexts(bot().slack, 'C1', threadTs).at(-1))
    .toContain(`Painting… ${run.percentAt(iteration)}%`);
}

test('previews come into the thread at most every 30 s, each replacing the last, and the result after them', async () => {
  const { slack } = bot();
  const { run, threadTs } = await startJob();
  expect(run.previewIntervalMs).toBe(PREVIEW_INTERVAL_MS);

  await progress(run, threadTs, 10, 200);
  const first = await slack.waitForUpload(isPreview);
  expect(first).toMatchObject({ channel: 'C1', threadTs, comment: undefined });
  const size = await sharp(first.bytes).metadata();
  expect([size.format, size.width, size.height]).toEqual(['jpeg', 256, 192]);
  expect(await shadeOf(first)).toBeCloseTo(200, -1);
  expect(previewsIn(slack.thread('C1', threadTs))).toEqual([first.fileId]);

  // Two more within the 30 s: neither is posted yet, and the newer one takes the older one's turn.
  await progress(run, threadTs, 20, 50);
  await progress(run, threadTs, 30, 100);
  expect(slack.uploads.filter(isPreview)).toHaveLength(1);
  await vi.advanceTimersByTimeAsync(PREVIEW_INTERVAL_MS);
  const second = await slack.waitForUpload((u) => isPreview(u) && u !== first);
  expect(second.threadTs).toBe(threadTs);
  expect(await shadeOf(second)).toBeCloseTo(100, -1);

  const [firstAsk, secondAsk] = slack.callsOf('files.getUploadURLExternal');
  expect((secondAsk?.at ?? 0) - (firstAsk?.at ?? 0)).toBeGreaterThanOrEqual(PREVIEW_INTERVAL_MS);
  // The old one was deleted before the new one was uploaded, so the thread never showed two.
  const deletion = slack.callsOf('files.delete').find((call) => call.args.file === first.fileId);
  expect(deletion && slack.calls.indexOf(deletion)).toBeLessThan(secondAsk ? slack.calls.indexOf(secondAsk) : -1);
  expect(previewsIn(slack.thread('C1', threadTs))).toEqual([second.fileId]);

  run.finish();
  const result = await slack.waitForUpload((u) => !isPreview(u));
  expect(result.threadTs).toBe(threadTs);
  expect(result.comment).toMatch(/^<@U1> here you go!/);
  await expect.poll(() => jobTexts(slack, 'C1', threadTs).at(-1)).toMatch(/Done in/);
  // The result is all that is left of the job's pictures.
  await expect.poll(() => previewsIn(slack.thread('C1', threadTs))).toEqual([]);
  expect(
    slack
      .thread('C1', threadTs)
      .flatMap((m) => m.files ?? [])
      .map((f) => f.id),
  ).toContain(result.fileId);
  expect(slack.uploads.filter(isPreview)).toHaveLength(2);
});

test('a preview that cannot be uploaded is logged at warn, and the next preview and the result still come', async () => {
  const { slack } = bot();
  const { run, threadTs } = await startJob();
  slack.failNext('files.getUploadURLExternal', { error: 'internal_error' });

  await progress(run, threadTs, 10, 200);
  await expect.poll(() => warnings.filter((w) => w.previews)).toHaveLength(1);
  expect(slack.uploads).toEqual([]);

  await vi.advanceTimersByTimeAsync(PREVIEW_INTERVAL_MS);
  await progress(run, threadTs, 20, 100);
  const preview = await slack.waitForUpload(isPreview);
  expect(await shadeOf(preview)).toBeCloseTo(100, -1);

  run.finish();
  await expect.poll(() => jobTexts(slack, 'C1', threadTs).at(-1)).toMatch(/Done in/);
  expect((await slack.waitForUpload((u) => !isPreview(u))).threadTs).toBe(threadTs);
  await expect.poll(() => previewsIn(slack.thread('C1', threadTs))).toEqual([]);
});

test('while the last preview cannot be deleted no other is posted, and the thread never shows two', async () => {
  const { slack } = bot();
  const { run, threadTs } = await startJob();
  await progress(run, threadTs, 10, 200);
  const first = await slack.waitForUpload(isPreview);

  slack.failNext('files.delete', { error: 'internal_error' });
  await vi.advanceTimersByTimeAsync(PREVIEW_INTERVAL_MS);
  await progress(run, threadTs, 20, 50);
  await expect.poll(() => warnings.filter((w) => w.previews)).toHaveLength(1);
  expect(previewsIn(slack.thread('C1', threadTs))).toEqual([first.fileId]);

  await vi.advanceTimersByTimeAsync(PREVIEW_INTERVAL_MS);
  await progress(run, threadTs, 30, 100);
  const second = await slack.waitForUpload((u) => isPreview(u) && u !== first);
  expect(await shadeOf(second)).toBeCloseTo(100, -1);
  expect(previewsIn(slack.thread('C1', threadTs))).toEqual([second.fileId]);

  run.finish();
  await expect.poll(() => jobTexts(slack, 'C1', threadTs).at(-1)).toMatch(/Done in/);
  await expect.poll(() => previewsIn(slack.thread('C1', threadTs))).toEqual([]);
});
