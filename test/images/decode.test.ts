import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { decodeImage } from '../../src/images/decode.js';
import {
  CorruptImageError,
  FileTooLargeError,
  ImageInputError,
  ImageTooLargeError,
  ImageTooSmallError,
  NotAnImageError,
} from '../../src/images/errors.js';
import { DEFAULT_IMAGE_LIMITS } from '../../src/images/limits.js';
import { sniffFormat } from '../../src/images/sniff.js';
import { meanAbsDiff, pixelAt, pngBomb, rawPixels, sharedContent } from '../fixtures/images.js';

const RED = [255, 0, 0] as const;
const BLUE = [0, 0, 255] as const;

/** width × height pixels, the left half `left` and the right half `right`. */
function halves(width: number, height: number, left: readonly number[], right: readonly number[]): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(x < width / 2 ? left : right, (y * width + x) * 3);
  }
  return data;
}

function expectClose(actual: readonly number[], expected: readonly number[], tolerance: number): void {
  actual.forEach((value, i) => expect(Math.abs(value - (expected[i] ?? NaN))).toBeLessThanOrEqual(tolerance));
}

let photo: Buffer; // tubingen.jpg, 1024×768
let smallPng: Buffer; // the same photo at 48×36

beforeAll(async () => {
  photo = await sharedContent('tubingen.jpg');
  smallPng = await sharp(photo).resize(48).png().toBuffer();
});

describe('decodeImage: formats', () => {
  const encoders = {
    jpeg: (s: Sharp) => s.jpeg(),
    png: (s: Sharp) => s.png(),
    webp: (s: Sharp) => s.webp(),
    gif: (s: Sharp) => s.gif(),
    avif: (s: Sharp) => s.avif({ effort: 0 }),
    tiff: (s: Sharp) => s.tiff(),
  };

  for (const [format, encode] of Object.entries(encoders)) {
    it(`decodes ${format} to packed RGB close to the original`, async () => {
      const bytes = await encode(sharp(smallPng)).toBuffer();
      expect(sniffFormat(bytes)).toBe(format);

      const img = await decodeImage(bytes, DEFAULT_IMAGE_LIMITS);

      expect([img.width, img.height]).toEqual([48, 36]);
      expect(img.data).toBeInstanceOf(Uint8Array);
      expect(img.data.length).toBe(48 * 36 * 3);
      expect(meanAbsDiff(img, await rawPixels(smallPng))).toBeLessThan(10);
    });
  }

  it('accepts a plain Uint8Array, as fetch hands over', async () => {
    const bytes = new Uint8Array(await new Response(smallPng).arrayBuffer());
    expect(Buffer.isBuffer(bytes)).toBe(false);
    const img = await decodeImage(bytes, DEFAULT_IMAGE_LIMITS);
    expect([img.width, img.height]).toEqual([48, 36]);
  });

  it('turns the full-size shared photo into 1024×768 RGB', async () => {
    const img = await decodeImage(photo, DEFAULT_IMAGE_LIMITS);
    expect([img.width, img.height, img.data.length]).toEqual([1024, 768, 1024 * 768 * 3]);
  });

  it('expands greyscale to three equal channels', async () => {
    const grey = await sharp(smallPng).toColourspace('b-w').png().toBuffer();
    expect((await sharp(grey).metadata()).channels).toBe(1);

    const img = await decodeImage(grey, DEFAULT_IMAGE_LIMITS);

    expect(img.data.length).toBe(48 * 36 * 3);
    const [r, g, b] = pixelAt(img, 20, 10);
    expect(r).toBe(g);
    expect(g).toBe(b);
  });

  it('reduces a 16-bit PNG to 8 bits per channel', async () => {
    const deep = await sharp(smallPng).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(deep).metadata()).depth).toBe('ushort');

    const img = await decodeImage(deep, DEFAULT_IMAGE_LIMITS);

    expect(img.data.length).toBe(48 * 36 * 3);
    expect(meanAbsDiff(img, await rawPixels(smallPng))).toBeLessThan(2);
  });

  it('converts a CMYK JPEG to sRGB', async () => {
    const red = await sharp(halves(32, 32, RED, RED), { raw: { width: 32, height: 32, channels: 3 } })
      .png()
      .toBuffer();
    const cmyk = await sharp(red).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');

    const img = await decodeImage(cmyk, DEFAULT_IMAGE_LIMITS);

    expect(img.data.length).toBe(32 * 32 * 3);
    const [r, g, b] = pixelAt(img, 16, 16);
    expect(r).toBeGreaterThan(200);
    expect(Math.max(g, b)).toBeLessThan(80);
  });
});

describe('decodeImage: pixel handling', () => {
  it('turns the image upright according to its EXIF orientation', async () => {
    // Stored 48×32 with red on the left; orientation 6 means "rotate 90° clockwise to display".
    const stored = sharp(halves(48, 32, RED, BLUE), { raw: { width: 48, height: 32, channels: 3 } });
    const jpeg = await stored.jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);

    const img = await decodeImage(jpeg, DEFAULT_IMAGE_LIMITS);

    expect([img.width, img.height]).toEqual([32, 48]);
    expectClose(pixelAt(img, 16, 5), RED, 40);
    expectClose(pixelAt(img, 16, 42), BLUE, 40);
  });

  it('flattens transparency onto white', async () => {
    const transparent = await sharp({
      create: { width: 32, height: 32, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();

    const img = await decodeImage(transparent, DEFAULT_IMAGE_LIMITS);

    expect(img.data.length).toBe(32 * 32 * 3);
    expect(img.data.every((v) => v === 255)).toBe(true);
  });

  it('uses only the first frame of an animated GIF', async () => {
    // Two 32×32 frames stacked vertically: red, then blue.
    const frames = Buffer.concat([halves(32, 32, RED, RED), halves(32, 32, BLUE, BLUE)]);
    const gif = await sharp(frames, { raw: { width: 32, height: 64, channels: 3, pageHeight: 32 } })
      .gif()
      .toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);

    const img = await decodeImage(gif, DEFAULT_IMAGE_LIMITS);

    expect([img.width, img.height]).toEqual([32, 32]);
    expectClose(pixelAt(img, 16, 16), RED, 10);
    expectClose(pixelAt(img, 16, 31), RED, 10);
  });

  it('shrinks to maxSide while decoding, keeping the aspect ratio', async () => {
    const img = await decodeImage(photo, DEFAULT_IMAGE_LIMITS, { maxSide: 64 });
    expect([img.width, img.height, img.data.length]).toEqual([64, 48, 64 * 48 * 3]);
  });

  it('does not enlarge images already within maxSide', async () => {
    const img = await decodeImage(smallPng, DEFAULT_IMAGE_LIMITS, { maxSide: 100 });
    expect([img.width, img.height]).toEqual([48, 36]);
  });

  it('refuses a maxSide that is not a positive whole number, which is a bug in the caller', async () => {
    for (const maxSide of [0, -64, 63.5, Number.NaN]) {
      await expect(decodeImage(smallPng, DEFAULT_IMAGE_LIMITS, { maxSide })).rejects.toThrow(RangeError);
    }
  });
});

describe('decodeImage: big images, shrunk on load', () => {
  const [WIDTH, HEIGHT] = [4000, 3000];
  let png: Buffer;
  let jpeg: Buffer;

  beforeAll(async () => {
    const pixels = sharp(halves(WIDTH, HEIGHT, RED, BLUE), { raw: { width: WIDTH, height: HEIGHT, channels: 3 } });
    png = await pixels.clone().png().toBuffer();
    // Stored sideways with an EXIF rotation, as phones write them: upright, it is 3000×4000.
    jpeg = await pixels.clone().jpeg().withMetadata({ orientation: 6 }).toBuffer();
  });

  /** The decoded pixels in a buffer of exactly their own size: nothing of the full-size image is kept with them. */
  function expectOwnBuffer(img: { width: number; height: number; data: Uint8Array }): void {
    expect(img.data.byteLength).toBe(img.width * img.height * 3);
    expect(img.data.buffer.byteLength).toBe(img.data.byteLength);
  }

  it('decodes a 12-megapixel PNG straight to the side the job needs, keeping its aspect and its pixels', async () => {
    const img = await decodeImage(png, DEFAULT_IMAGE_LIMITS, { maxSide: 400 });
    expect([img.width, img.height]).toEqual([400, 300]);
    expectOwnBuffer(img);
    expectClose(pixelAt(img, 50, 150), RED, 10);
    expectClose(pixelAt(img, 350, 150), BLUE, 10);
  });

  it('decodes a sideways 12-megapixel JPEG upright and shrunk, the long side at most maxSide', async () => {
    const img = await decodeImage(jpeg, DEFAULT_IMAGE_LIMITS, { maxSide: 400 });
    expect([img.width, img.height]).toEqual([300, 400]);
    expectOwnBuffer(img);
    // Orientation 6 turns the image a quarter clockwise, so the red left half is now on top.
    expectClose(pixelAt(img, 150, 50), RED, 16);
    expectClose(pixelAt(img, 150, 350), BLUE, 16);
  });

  it('still refuses a decompression bomb from its header, whatever side is asked for', async () => {
    await expect(decodeImage(pngBomb(8000), DEFAULT_IMAGE_LIMITS, { maxSide: 64 })).rejects.toThrow(ImageTooLargeError);
  });
});

describe('decodeImage: refusals', () => {
  async function refusal(bytes: Uint8Array, limits = DEFAULT_IMAGE_LIMITS, what?: string): Promise<ImageInputError> {
    const error: unknown = await decodeImage(bytes, limits, { what }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImageInputError);
    expect(error).toBeInstanceOf(UserError);
    const userError = error as ImageInputError;
    expect(userError.message).not.toMatch(/undefined|NaN|null|\n\s+at /);
    return userError;
  }

  const notImages: Record<string, Uint8Array> = {
    'a text file': Buffer.from('Just some notes, definitely not pixels.\n'),
    'an HTML page named .png': Buffer.from('<!DOCTYPE html><html><body><img src="cat.png"></body></html>'),
    'an SVG, which libvips could render': Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64"/></svg>',
    ),
    'a PDF': Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\n'),
    'no bytes at all': new Uint8Array(0),
    'a lone JPEG-like byte pair': Uint8Array.of(0xff, 0xd8),
  };

  for (const [name, bytes] of Object.entries(notImages)) {
    it(`refuses ${name} as not-an-image`, async () => {
      const error = await refusal(bytes);
      expect(error).toBeInstanceOf(NotAnImageError);
      expect(error.code).toBe('not-an-image');
      expect(error.message).toBe("That file isn't an image I can read. Send a JPEG, PNG, WebP, GIF, AVIF or TIFF.");
    });
  }

  it('refuses a JPEG cut in half as corrupt', async () => {
    const error = await refusal(photo.subarray(0, photo.length >> 1));
    expect(error).toBeInstanceOf(CorruptImageError);
    expect(error.code).toBe('corrupt-image');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('refuses a PNG with a flipped byte in its pixel data as corrupt', async () => {
    const damaged = Buffer.from(smallPng);
    const pixelData = damaged.indexOf('IDAT') + 4;
    damaged[pixelData + 20] = (damaged[pixelData + 20] ?? 0) ^ 0xff;

    const error = await refusal(damaged);

    expect(error).toBeInstanceOf(CorruptImageError);
    expect(error.code).toBe('corrupt-image');
  });

  it('refuses a file that only claims to be AVIF as corrupt', async () => {
    const fake = Buffer.concat([Buffer.from('\0\0\0\x18ftypavif\0\0\0\0avifmif1', 'latin1'), Buffer.alloc(200, 7)]);
    expect(sniffFormat(fake)).toBe('avif');

    const error = await refusal(fake);

    expect(error).toBeInstanceOf(CorruptImageError);
  });

  it('refuses a file over the byte cap before decoding it', async () => {
    const padded = Buffer.concat([photo, Buffer.alloc(DEFAULT_IMAGE_LIMITS.maxBytes)]);

    const error = await refusal(padded);

    expect(error).toBeInstanceOf(FileTooLargeError);
    expect(error.code).toBe('file-too-large');
    expect(error.message).toBe('That file is 25.4 MB; the limit is 25 MB. Send a smaller or more compressed version.');
  });

  it('refuses a decompression bomb from its header', async () => {
    const bomb = pngBomb(20_000);
    expect(bomb.length).toBeLessThan(100_000);

    const error = await refusal(bomb);

    expect(error).toBeInstanceOf(ImageTooLargeError);
    expect(error.code).toBe('image-too-large');
    expect(error.message).toBe(
      'That image is 20000×20000 px (400 megapixels); the limit is 50 megapixels. Scale it down and send it again.',
    );
  });

  it('refuses images with more pixels than a lowered limit allows', async () => {
    const error = await refusal(smallPng, { ...DEFAULT_IMAGE_LIMITS, maxPixels: 1000 });
    expect(error).toBeInstanceOf(ImageTooLargeError);
    expect(error.message).toContain('48×36 px (1728 pixels); the limit is 1000 pixels');
  });

  it('refuses an image under 16 px on a side', async () => {
    const tiny = await sharp(smallPng).resize(10, 10, { fit: 'fill' }).png().toBuffer();

    const error = await refusal(tiny);

    expect(error).toBeInstanceOf(ImageTooSmallError);
    expect(error.code).toBe('image-too-small');
    expect(error.message).toBe('That image is 10×10 px; I need at least 16 px on each side. Send a bigger one.');
  });

  it('checks the minimum side after applying EXIF orientation', async () => {
    const stored = await sharp(smallPng)
      .resize(40, 12, { fit: 'fill' })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const error = await refusal(stored);
    expect(error.message).toContain('12×40 px');
  });

  it('names the input when the caller says which one it was', async () => {
    const tiny = await sharp(smallPng).resize(12, 40, { fit: 'fill' }).png().toBuffer();

    const tooSmall = await refusal(tiny, DEFAULT_IMAGE_LIMITS, 'style image');
    const notImage = await refusal(Buffer.from('hello'), DEFAULT_IMAGE_LIMITS, 'style image');

    expect(tooSmall.what).toBe('style image');
    expect(tooSmall.message).toBe(
      'The style image is 12×40 px; I need at least 16 px on each side. Send a bigger one.',
    );
    expect(notImage.message).toBe(
      "The style image isn't in a format I can read. Send a JPEG, PNG, WebP, GIF, AVIF or TIFF.",
    );
  });
});
