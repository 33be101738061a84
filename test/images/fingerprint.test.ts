import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/images/decode.js';
import { fingerprint, sameFingerprint } from '../../src/images/fingerprint.js';
import { SHARED } from '../support/engine.js';

async function photo(name: string, maxSide: number): Promise<bigint> {
  const bytes = await readFile(join(SHARED, 'images/content', name));
  return fingerprint(await decodeImage(new Uint8Array(bytes), undefined, { what: 'image', maxSide }));
}

describe('photo fingerprints', () => {
  it('match the same photo decoded at other sizes, and tell different photos apart', async () => {
    const robin = await photo('robin.jpg', 64);
    expect(sameFingerprint(robin, await photo('robin.jpg', 48))).toBe(true);
    expect(sameFingerprint(robin, await photo('robin.jpg', 512))).toBe(true);
    for (const other of ['kitten.jpg', 'tubingen.jpg', 'golden_gate.jpg']) {
      expect(sameFingerprint(robin, await photo(other, 64))).toBe(false);
    }
  });
});
