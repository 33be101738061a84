import { describe, expect, it } from 'vitest';
import { pyramidLevels, pyramidPreconditioner } from '../../src/engine/preconditioner.js';
import { randomSource } from '../support/random-vgg.js';

function randomVector(length: number, seed: number): Float32Array {
  const rand = randomSource(seed);
  return Float32Array.from({ length }, () => rand() - 0.5);
}

function dot(a: Float32Array, b: Float32Array): number {
  return a.reduce((sum, v, i) => sum + v * b[i]!, 0);
}

function applied(p: (v: Float32Array) => void, v: Float32Array): Float32Array {
  const out = Float32Array.from(v);
  p(out);
  return out;
}

describe('pyramid preconditioner', () => {
  it('counts the octaves whose shorter side stays at least 4 px', () => {
    expect(pyramidLevels(256, 192)).toBe(5);
    expect(pyramidLevels(512, 384)).toBe(6);
    expect(pyramidLevels(7, 40)).toBe(1);
    expect(pyramidLevels(6, 6)).toBe(0);
  });

  // Odd sizes too: the clamped edge taps must be undone exactly by the transpose.
  for (const [width, height] of [
    [16, 12],
    [13, 9],
  ] as const) {
    it(`is symmetric and positive definite at ${width}×${height}`, () => {
      const p = pyramidPreconditioner(width, height);
      const u = randomVector(width * height * 3, 1);
      const v = randomVector(width * height * 3, 2);
      const pu = applied(p, u);
      expect(dot(pu, v)).toBeCloseTo(dot(u, applied(p, v)), 4);
      // P = I + a sum of Gram operators, so uᵀPu ≥ uᵀu.
      expect(dot(pu, u)).toBeGreaterThanOrEqual(dot(u, u));
    });
  }

  it('passes fine detail almost unchanged and multiplies flat colour by one plus the number of levels', () => {
    const width = 32;
    const height = 32;
    const p = pyramidPreconditioner(width, height);
    const flat = new Float32Array(width * height * 3).fill(1);
    const checkerboard = Float32Array.from(flat, (_, i) => {
      const pixel = Math.floor(i / 3);
      return ((pixel % width) + Math.floor(pixel / width)) % 2 === 0 ? 1 : -1;
    });
    expect(applied(p, flat).every((v) => Math.abs(v - (1 + pyramidLevels(width, height))) < 1e-4)).toBe(true);
    const detail = applied(p, checkerboard);
    expect(Math.sqrt(dot(detail, detail) / dot(checkerboard, checkerboard))).toBeLessThan(1.1);
  });
});
