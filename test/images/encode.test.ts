import { beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '../../src/engine/types.js';
import { UserError } from '../../src/errors.js';
import { decodeImage } from '../../src/images/decode.js';
import { encodeImage, formatFromPath, OUTPUT_FORMATS } from '../../src/images/encode.js';
import { OutputFormatError } from '../../src/images/errors.js';
import { DEFAULT_IMAGE_LIMITS } from '../../src/images/limits.js';
import { sniffFormat } from '../../src/images/sniff.js';
import { meanAbsDiff, sharedContent } from '../fixtures/images.js';

let photo: RgbImage; // 64×48

beforeAll(async () => {
  photo = await decodeImage(await sharedContent('tubingen.jpg'), DEFAULT_IMAGE_LIMITS, { maxSide: 64 });
});

describe('encodeImage', () => {
  it('round-trips PNG losslessly', async () => {
    const png = await encodeImage(photo, 'png');
    expect(sniffFormat(png)).toBe('png');
    const back = await decodeImage(png, DEFAULT_IMAGE_LIMITS);
    expect(back.width).toBe(64);
    expect(back.height).toBe(48);
    expect(Buffer.from(back.data).equals(Buffer.from(photo.data))).toBe(true);
  });

  for (const format of ['jpeg', 'webp'] as const) {
    it(`round-trips ${format} closely`, async () => {
      const encoded = await encodeImage(photo, format);
      expect(sniffFormat(encoded)).toBe(format);
      const back = await decodeImage(encoded, DEFAULT_IMAGE_LIMITS);
      expect([back.width, back.height]).toEqual([64, 48]);
      expect(meanAbsDiff(back, photo)).toBeLessThan(8);
    });

    it(`trades ${format} size for quality`, async () => {
      const low = await encodeImage(photo, format, 20);
      const high = await encodeImage(photo, format, 95);
      expect(low.length).toBeLessThan(high.length);
      const lowError = meanAbsDiff(await decodeImage(low, DEFAULT_IMAGE_LIMITS), photo);
      const highError = meanAbsDiff(await decodeImage(high, DEFAULT_IMAGE_LIMITS), photo);
      expect(highError).toBeLessThan(lowError);
    });
  }

  it('covers every output format', () => {
    expect([...OUTPUT_FORMATS].sort()).toEqual(['jpeg', 'png', 'webp']);
  });
});

describe('formatFromPath', () => {
  it.each([
    ['out.png', 'png'],
    ['out/Stylized.PNG', 'png'],
    ['a.jpg', 'jpeg'],
    ['a.JPEG', 'jpeg'],
    ['/tmp/x.y/z.webp', 'webp'],
  ] as const)('%s → %s', (path, format) => {
    expect(formatFromPath(path)).toBe(format);
  });

  it.each(['out.gif', 'out', 'out.png.txt', 'x.constructor', '.png'])('refuses %s', (path) => {
    let caught: unknown;
    try {
      formatFromPath(path);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(OutputFormatError);
    expect(caught).toBeInstanceOf(UserError);
    const { code, message } = caught as OutputFormatError;
    expect(code).toBe('bad-format');
    expect(message).toContain('.png, .jpg, .jpeg or .webp');
    expect(message).not.toMatch(/undefined|NaN/);
  });
});
