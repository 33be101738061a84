import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '../../src/engine/types.js';
import { decodeImage } from '../../src/images/decode.js';
import { DEFAULT_IMAGE_LIMITS } from '../../src/images/limits.js';
import { resizeExact, resizeImage } from '../../src/images/resize.js';
import { meanAbsDiff, pixelAt, sharedContent, solidImage } from '../fixtures/images.js';

let landscape: RgbImage; // 64×48
let portrait: RgbImage; // 36×48

beforeAll(async () => {
  const photo = await sharedContent('tubingen.jpg');
  landscape = await decodeImage(photo, DEFAULT_IMAGE_LIMITS, { maxSide: 64 });
  portrait = await decodeImage(await sharp(photo).rotate(90).resize(48).png().toBuffer(), DEFAULT_IMAGE_LIMITS);
  expect([landscape.width, landscape.height, portrait.width, portrait.height]).toEqual([64, 48, 48, 64]);
});

describe('resizeImage', () => {
  it('shrinks the longest side of a landscape image, keeping the aspect ratio', async () => {
    const img = await resizeImage(landscape, 32);
    expect([img.width, img.height, img.data.length]).toEqual([32, 24, 32 * 24 * 3]);
  });

  it('shrinks the longest side of a portrait image', async () => {
    const img = await resizeImage(portrait, 32);
    expect([img.width, img.height]).toEqual([24, 32]);
  });

  it('never enlarges', async () => {
    expect(await resizeImage(landscape, 64)).toBe(landscape);
    expect(await resizeImage(landscape, 500)).toBe(landscape);
  });

  it('keeps what the picture looks like', async () => {
    const halved = await resizeImage(landscape, 32);
    const back = await resizeExact(halved, 64, 48);
    expect(meanAbsDiff(back, landscape)).toBeLessThan(20);
  });

  it('rejects a side that is not a positive integer', async () => {
    await expect(resizeImage(landscape, 0)).rejects.toThrow(RangeError);
    await expect(resizeImage(landscape, 12.5)).rejects.toThrow(RangeError);
  });
});

describe('resizeExact', () => {
  it('upsamples to an exact size', async () => {
    const img = await resizeExact(landscape, 128, 96);
    expect([img.width, img.height, img.data.length]).toEqual([128, 96, 128 * 96 * 3]);
  });

  it('stretches to a different aspect ratio', async () => {
    const img = await resizeExact(landscape, 20, 30);
    expect([img.width, img.height]).toEqual([20, 30]);
  });

  it('keeps a solid colour exactly', async () => {
    const img = await resizeExact(solidImage(32, 32, [200, 100, 50]), 50, 17);
    expect(pixelAt(img, 0, 0)).toEqual([200, 100, 50]);
    expect(pixelAt(img, 25, 8)).toEqual([200, 100, 50]);
    expect(pixelAt(img, 49, 16)).toEqual([200, 100, 50]);
  });

  it('returns the same image when the size already matches', async () => {
    expect(await resizeExact(landscape, 64, 48)).toBe(landscape);
  });

  it('rejects sizes that are not positive integers', async () => {
    await expect(resizeExact(landscape, 64, 0)).rejects.toThrow(RangeError);
    await expect(resizeExact(landscape, Number.NaN, 48)).rejects.toThrow(RangeError);
  });
});
