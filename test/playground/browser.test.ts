import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEngine } from '../../src/engine/index.js';
import { decodeImage } from '../../src/images/decode.js';
import { resizeImage } from '../../src/images/resize.js';
import { rawPixels, solidImage } from '../fixtures/images.js';
import { ControlledEngine } from '../jobs/controlled-engine.js';
import { startNetworkEngine } from '../presets/support.js';
import { SHARED, sharedJpeg, startTestPlayground, TINY_LAYERS, type TestPlayground } from './harness.js';

/** Debian's chromium package; .ci/run installs it. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];
/** Where the screenshot of the finished page goes, to be looked at. */
const SCREENSHOT = '/tmp/playground-shot.png';

// Skipped only on a machine without Chromium outside CI; in CI a missing Chromium fails the run.
const skip = !existsSync(CHROMIUM) && !process.env.CI;

let profile: string;
let browser: BrowserContext;
const started: TestPlayground[] = [];

beforeAll(async () => {
  if (skip) return;
  profile = await mkdtemp(join(tmpdir(), 'easel-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((playground) => playground.stop()));
});

afterAll(async () => {
  await browser?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

async function openPage(playground: TestPlayground): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (err) => {
    throw err;
  });
  await page.goto(playground.playground.url);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

const text = (page: Page, selector: string): Promise<string> => page.locator(selector).innerText();

/** Chooses a shared photo and a preset by name, and presses Paint it. */
async function paintPreset(page: Page, photo: string, preset: string): Promise<void> {
  await page.setInputFiles('#content-input', {
    name: photo,
    mimeType: 'image/jpeg',
    buffer: await sharedJpeg(`content/${photo}`),
  });
  await page.locator('.preset', { hasText: preset }).click();
  await page.click('#paint');
}

async function download(page: Page): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

describe.skipIf(skip)('the playground in Chromium', () => {
  it('uploads a photo and a painting, shows the place in line and the progress, and downloads the result', async () => {
    const engine = new ControlledEngine();
    const playground = await startTestPlayground(engine);
    started.push(playground);
    playground.chatJob('alice');
    const alice = await engine.nextRun();
    playground.chatJob('bob');

    const page = await openPage(playground);
    await page.setInputFiles('#content-input', {
      name: 'tubingen.jpg',
      mimeType: 'image/jpeg',
      buffer: await sharedJpeg('content/tubingen.jpg'),
    });
    await page.click('#tab-upload');
    await page.setInputFiles('#style-input', {
      name: 'scream.jpg',
      mimeType: 'image/jpeg',
      buffer: await sharedJpeg('styles/munch_the_scream.jpg'),
    });
    await page.fill('#field-iterations', '6');
    await page.click('#paint');

    await page.locator('#position', { hasText: '#2 in line' }).waitFor();
    expect(await text(page, '#line')).toMatch(/^You're #2 in line · starts in /);
    expect(await text(page, '#stage')).toBe('IN LINE');
    alice.finish();
    await page.locator('#position', { hasText: 'Next in line' }).waitFor();
    (await engine.nextRun()).finish();

    const run = await engine.nextRun();
    expect(run.request.options).toMatchObject({ iterations: 6, size: 48 });
    await page.locator('#stage', { hasText: 'Painting' }).waitFor();
    run.progress(3, { preview: solidImage(48, 36, [40, 90, 200]) });
    const percent = run.percentAt(3);
    await page.locator('#line', { hasText: `Painting… ${percent}% · iteration 3/6` }).waitFor();
    await page.locator('#picture[src*="/preview.png"]').waitFor();
    expect(await page.locator('#meter-fill').getAttribute('style')).toBe(`width: ${percent}%;`);
    expect(await page.locator('#position').isHidden()).toBe(true);

    // The painting the engine "returns" is a real one, so that the screenshot shows what a visitor would see.
    const painting = await resizeImage(
      await decodeImage(await readFile(join(SHARED, 'images/styles/vangogh_starry_night.jpg'))),
      480,
    );
    run.finish(painting);
    await page.locator('#stage', { hasText: 'Done' }).waitFor();
    expect(await text(page, '#line')).toMatch(
      /^Here it is!\nMade with your style image · strength 5 · size 48 · seed 0 · iterations 6 · /,
    );
    await page.locator('#picture[src$="/result.png"]').waitFor();
    // A string, run in the page: this file is compiled without the DOM's types.
    await page.waitForFunction('document.querySelector("#picture").complete');
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    const { name, bytes } = await download(page);
    expect(name).toBe('easel-custom-style.png');
    const { format } = await sharp(bytes).metadata();
    const result = await rawPixels(bytes);
    expect({ format, width: result.width, height: result.height }).toEqual({
      format: 'png',
      width: painting.width,
      height: painting.height,
    });
    expect(await page.locator('#paint').innerText()).toBe('Paint again');

    // Under the result, chat's remix buttons: More style paints the same two pictures again, two steps stronger.
    const remixes = page.locator('#remixes button');
    expect(await remixes.allInnerTexts()).toEqual(['More style', 'Less style', 'Keep colours', 'Bigger', 'Variation']);
    await page.click('#remixes [data-remix="more"]');
    const remixed = await engine.nextRun();
    expect(remixed.request.options.styleWeight).toBeCloseTo(run.request.options.styleWeight * 2.2 ** 2, 6);
    expect(remixed.request.content).toEqual(run.request.content);
    expect(remixed.request.styles).toEqual(run.request.styles);
    await page.locator('#remixes').waitFor({ state: 'hidden' });
    remixed.finish(painting);
    await page.locator('#line', { hasText: 'strength 7' }).waitFor();
    expect(await text(page, '#line')).toMatch(/^Here it is!\nMade with your style image · strength 7 · size 48 · /);
    expect(await remixes.allInnerTexts()).toContain('Less style');
    expect(engine.misuse).toEqual([]);
  });

  it('finds the job it was following again after a reload, and forgets one easel no longer keeps', async () => {
    const engine = new ControlledEngine();
    const playground = await startTestPlayground(engine);
    started.push(playground);
    const page = await openPage(playground);
    await paintPreset(page, 'kitten.jpg', 'The Starry Night');
    const run = await engine.nextRun();
    run.progress(2);
    await page.locator('#line', { hasText: 'iteration 2/' }).waitFor();

    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await page.locator('#line', { hasText: 'iteration 2/' }).waitFor();
    expect(await text(page, '#job-label')).toBe('The Starry Night');
    expect(await page.locator('#cancel').isVisible()).toBe(true);
    run.finish(solidImage(48, 32, [200, 80, 20]));
    await page.locator('#stage', { hasText: 'Done' }).waitFor();
    const { bytes } = await download(page);
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'png', width: 48, height: 32 });

    // A job easel has let go of (here: one it never had) leaves the page as it is when nothing was painted yet.
    await page.evaluate(
      `sessionStorage.setItem('easel.job', JSON.stringify({ id: '${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}', ` +
        `events: '/api/jobs/00000000-0000-0000-0000-000000000000/events' }))`,
    );
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.locator('#status-empty').isVisible()).toBe(true);
    expect(await page.evaluate("sessionStorage.getItem('easel.job')")).toBeNull();
    expect(engine.misuse).toEqual([]);
  });

  it('shows a refusal by the field it is about, in words for the page', async () => {
    const playground = await startTestPlayground(new ControlledEngine());
    started.push(playground);
    const page = await openPage(playground);
    await page.click('#paint');
    expect(await text(page, '[data-error-for="content"]')).toBe('Choose a photo to paint.');

    await page.setInputFiles('#content-input', {
      name: 'kitten.jpg',
      mimeType: 'image/jpeg',
      buffer: await sharedJpeg('content/kitten.jpg'),
    });
    await page.locator('summary', { hasText: 'More settings' }).click();
    await page.fill('#field-styleScale', '9');
    await page.click('#paint');
    await page.locator('[data-error-for="styleScale"]', { hasText: 'Style scale must be between 0.1 and 4' }).waitFor();
    expect(await page.locator('[data-field="styleScale"]').getAttribute('class')).toContain('invalid');
    expect(await text(page, '#form-error')).toBe('Please check the highlighted part of the form.');
  });

  it('paints a network preset left as the form shows it at once, and refuses it other settings', async () => {
    const engine = new ControlledEngine();
    const network = await startNetworkEngine();
    try {
      const playground = await startTestPlayground(engine, { networkEngine: network });
      started.push(playground);
      const page = await openPage(playground);
      await page.setInputFiles('#content-input', {
        name: 'kitten.jpg',
        mimeType: 'image/jpeg',
        buffer: await sharedJpeg('content/kitten.jpg'),
      });
      // The first preset is picked from the start; its card says it is instant, and the painting shows on it.
      const wave = page.locator('.preset', { hasText: 'The Great Wave' });
      expect(await wave.getAttribute('aria-checked')).toBe('true');
      expect(await wave.locator('.preset-instant').innerText()).toBe('Instant');
      await page.click('#paint');

      await page.locator('#stage', { hasText: 'Done' }).waitFor();
      expect(await text(page, '#line')).toMatch(/^Here it is!\nMade with preset wave · style network · size 48 · /);
      expect(await page.locator('#meter').isHidden()).toBe(true);
      await page.locator('#picture[src$="/result.png"]').waitFor();
      const { name, bytes } = await download(page);
      expect(name).toBe('easel-the-great-wave.png');
      // The kitten is 3:2, painted at the preset's size as its settings say.
      expect(await sharp(bytes).metadata()).toMatchObject({ format: 'png', width: 48, height: 32 });
      expect(engine.runs).toEqual([]);

      // A style network alone has no picture of its painting: its emoji stands in.
      const udnie = page.locator('.preset', { hasText: 'Udnie' });
      expect(await udnie.locator('.preset-tile').innerText()).toBe('💃');
      await udnie.click();
      await page.fill('#field-styleWeight', '0.001');
      await page.click('#paint');
      await page
        .locator('[data-error-for="styleWeight"]', { hasText: 'Udnie is a style network, so only Size applies to it.' })
        .waitFor();
    } finally {
      await network.close();
    }
  });

  it('paints for real on the engine, from the upload to the download', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'easel-cache-'));
    const engine = await startEngine(
      { weights: { location: join(SHARED, 'models/vgg19'), cacheDir }, slots: 1, threads: 2, layers: TINY_LAYERS },
      pino({ level: 'silent' }),
    );
    try {
      const playground = await startTestPlayground(engine);
      started.push(playground);
      const page = await openPage(playground);
      await paintPreset(page, 'robin.jpg', 'The Starry Night');
      await page.locator('#stage', { hasText: 'Done' }).waitFor({ timeout: 100_000 });
      const { bytes } = await download(page);
      expect(await sharp(bytes).metadata()).toMatchObject({ format: 'png', width: 48, height: 48 });
    } finally {
      await engine.close();
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});
