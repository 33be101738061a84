import { describe, expect, it } from 'vitest';
import { crop, frame } from '../../src/engine/feedforward/frame.js';

/** A w×h image whose pixel (x, y) holds [x, y, 0]. */
function coordinates(width: number, height: number) {
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x, y, 0], (y * width + x) * 3);
  return { width, height, data };
}

const at = (img: { width: number; data: Float32Array }, x: number, y: number) =>
  Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 2));

describe('framing the photo for a network', () => {
  it('mirrors the photo outward without repeating the edge pixel, up to a multiple of 4', () => {
    const framed = frame(coordinates(5, 3), 2);
    expect([framed.image.width, framed.image.height, framed.left, framed.top]).toEqual([12, 8, 2, 2]);
    // Row 0 of the frame is photo row 2, mirrored past row 0; column 0 is photo column 2.
    expect(at(framed.image, 0, 0)).toEqual([2, 2]);
    expect(at(framed.image, 2, 2)).toEqual([0, 0]);
    // Right of the photo (columns 7..11): 3, 2, 1, 0, 1 — a margin longer than the photo folds back again.
    expect([7, 8, 9, 10, 11].map((x) => at(framed.image, x, 2)[0])).toEqual([3, 2, 1, 0, 1]);
    expect([5, 6, 7].map((y) => at(framed.image, 3, y)[1])).toEqual([1, 0, 1]);
  });

  it('crops back exactly the photo', () => {
    const photo = coordinates(7, 6);
    const framed = frame(photo, 32);
    expect(crop(framed.image, framed.left, framed.top, 7, 6)).toEqual(photo);
  });

  it('handles a one-pixel-wide photo', () => {
    const framed = frame(coordinates(1, 2), 3);
    expect([framed.image.width, framed.image.height]).toEqual([8, 8]);
    expect(at(framed.image, 7, 0)).toEqual([0, 1]);
  });
});
