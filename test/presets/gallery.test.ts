import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '../../src/engine/types.js';
import { emojiPicture } from '../../src/gallery/emoji.js';
import { creditLines, PresetGallery, type TilePainter } from '../../src/gallery/index.js';
import { drawSheet } from '../../src/gallery/sheet.js';
import { DEFAULT_IMAGE_LIMITS } from '../../src/images/limits.js';
import { loadPresets, type Preset, type PresetCatalog } from '../../src/jobs/presets.js';
import { rawPixels, solidImage } from '../fixtures/images.js';
import { SHARED } from '../support/engine.js';
import { TEST_PRESETS } from './support.js';

const quiet = pino({ level: 'silent' });
let dir: string;
let catalog: PresetCatalog;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'easel-gallery-'));
  const file = join(dir, 'presets.json');
  await writeFile(file, JSON.stringify({ gallery: { photo: 'images/content/kitten.jpg' }, presets: TEST_PRESETS }));
  const sources = {
    file,
    assets: { location: SHARED, cacheDir: dir },
    optionLimits: { maxSize: 64, maxIterations: 10 },
  };
  catalog = await loadPresets({ ...sources, imageLimits: DEFAULT_IMAGE_LIMITS });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A painter that paints each preset one flat colour and counts what it was asked for. */
function countingPainter(): { paint: TilePainter; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    paint: (preset: Preset, photo: RgbImage) => {
      asked.push(preset.id);
      return Promise.resolve(
        solidImage(Math.round(photo.width / 8), Math.round(photo.height / 8), [40 * asked.length, 90, 160]),
      );
    },
  };
}

/** Whether any pixel in the box is dark, as text and emoji are on the white sheet. */
function hasInk(image: RgbImage, left: number, top: number, width: number, height: number): boolean {
  for (let y = top; y < top + height; y++) {
    for (let x = left; x < left + width; x++) {
      const i = (y * image.width + x) * 3;
      if ((image.data[i]! + image.data[i + 1]! + image.data[i + 2]!) / 3 < 128) return true;
    }
  }
  return false;
}

describe('emoji pictures', () => {
  it('draws unicode emoji, with or without a variation selector, and nothing for a server’s own', async () => {
    for (const emoji of ['🌊', '⛰️', '⛰', '🖼️']) {
      const png = await emojiPicture(emoji, 24);
      expect(png, emoji).toBeDefined();
      expect(await sharp(png).metadata()).toMatchObject({ width: 24, height: 24 });
    }
    expect(await emojiPicture('<:wave:123456789012345678>', 24)).toBeUndefined();
  });
});

describe('the sheet', () => {
  it('lays tiles out in rows under their labels, on white', async () => {
    const tiles = ['🌊', '💃', '🌌', '<:own:123456789012345678>', '⛵'].map((emoji, index) => ({
      image: solidImage(40, 30, [20 * index, 100, 200]),
      emoji,
      name: `Preset ${index}`,
    }));
    const sheet = await rawPixels(await drawSheet(tiles));
    // Five tiles: three columns, two rows; 256 × 192 px each over a 36 px label, 8 px apart.
    expect([sheet.width, sheet.height]).toEqual([3 * 256 + 4 * 8, 2 * (192 + 36) + 3 * 8]);
    const labelTop = 8 + 192;
    expect(hasInk(sheet, 8, labelTop, 30, 36)).toBe(true); // the emoji
    expect(hasInk(sheet, 8 + 34, labelTop, 100, 36)).toBe(true); // the name
    // The sixth cell stays empty.
    expect(hasInk(sheet, 8 + 2 * 264, 8 + 228 + 8, 256, 228)).toBe(false);
  });
});

describe('PresetGallery', () => {
  it('paints every preset once, networks first, and keeps the picture in memory', async () => {
    const { paint, asked } = countingPainter();
    const gallery = new PresetGallery({ presets: catalog, paint, logger: quiet });
    const [first, second] = await Promise.all([gallery.picture(), gallery.picture()]);
    expect(asked).toEqual(['wave', 'udnie', 'starry_night']);
    expect(second).toBe(first);
    expect(first.presets.map((preset) => preset.id)).toEqual(['wave', 'udnie', 'starry_night']);
    expect((await sharp(first.png).metadata()).format).toBe('png');
    expect(
      creditLines(
        first.presets,
        (p) => p.emoji,
        (name) => name,
      )[1],
    ).toBe('💃 Udnie: style network trained on a painting by Francis Picabia');
  });

  it('tries again after a failure, and serves a picture kept in the cache folder after a restart', async () => {
    const cacheDir = join(dir, 'gallery-cache');
    let fail = true;
    const { paint, asked } = countingPainter();
    const flaky: TilePainter = async (preset, photo) => {
      if (fail) throw new Error('the queue is full');
      return paint(preset, photo);
    };
    const gallery = new PresetGallery({ presets: catalog, paint: flaky, cacheDir, logger: quiet });
    await expect(gallery.picture()).rejects.toThrow('the queue is full');
    fail = false;
    const painted = await gallery.picture();
    expect(await readdir(cacheDir)).toEqual([expect.stringMatching(/^presets-[0-9a-f]{16}\.png$/)]);

    const restarted = countingPainter();
    const after = await new PresetGallery({
      presets: catalog,
      paint: restarted.paint,
      cacheDir,
      logger: quiet,
    }).picture();
    expect(restarted.asked).toEqual([]);
    expect(after.png.equals(painted.png)).toBe(true);
    expect(asked).toHaveLength(3);
  });
});
