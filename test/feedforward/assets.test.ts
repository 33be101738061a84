import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadStyleNetwork, UnknownNetworkError } from '../../src/engine/feedforward/load.js';
import type { StyleNetwork } from '../../src/engine/feedforward/network.js';
import { SHARED } from '../support/engine.js';
import { serveDirectory, type StaticServer } from '../support/static-server.js';
import { expectWeightsError } from '../weights/expect-weights-error.js';

const WAVE = '/models/fast/wave';
const VARIABLE_3 = 'models/fast/wave/Variable_3';

/** Every kernel, shift and scale of a network, back to back, for comparing two loads byte for byte. */
function bytesOf(network: StyleNetwork): Buffer {
  const layers = network.stages.flatMap((s) => (s.kind === 'layer' ? [s.layer] : [s.first, s.second]));
  const arrays = layers.flatMap((l) => [l.kernel, l.shift, l.scale]);
  return Buffer.concat(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
}

let server: StaticServer;
let cacheDir: string;
let fromFolder: StyleNetwork;

beforeAll(async () => {
  server = await serveDirectory(SHARED);
  fromFolder = await loadStyleNetwork({ location: SHARED, cacheDir: '/nonexistent-cache' }, 'wave');
});
afterAll(() => server.close());

beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'easel-assets-cache-'));
  server.requests.length = 0;
});
afterEach(async () => {
  server.setFault(VARIABLE_3, undefined);
  await rm(cacheDir, { recursive: true, force: true });
});

describe('style networks from a folder', () => {
  it('reads all 16 layers in the architecture’s shapes', () => {
    const layers = fromFolder.stages.flatMap((s) => (s.kind === 'layer' ? [s.layer] : [s.first, s.second]));
    expect(layers).toHaveLength(16);
    expect(fromFolder.stages.filter((s) => s.kind === 'residual')).toHaveLength(5);
    expect(layers[0]!.kernel.length).toBe(9 * 9 * 3 * 32);
    expect(layers.at(-1)!.kernel.length).toBe(9 * 9 * 32 * 3);
    expect(bytesOf(fromFolder).byteLength).toBe(6_710_552);
  });

  it('names EASEL_ASSETS when the folder is missing', async () => {
    const load = loadStyleNetwork({ location: '/nonexistent-assets', cacheDir }, 'wave');
    const error = await expectWeightsError(load, 'weights-missing');
    expect(error.message).toContain('/nonexistent-assets/models/fast/wave');
    expect(error.message).toContain('EASEL_ASSETS');
  });

  it('refuses a network id it has no checksums for', async () => {
    const load = loadStyleNetwork({ location: SHARED, cacheDir }, 'starry_night');
    await expect(load).rejects.toBeInstanceOf(UnknownNetworkError);
  });
});

describe('style networks over http', () => {
  it('downloads each file once, checks it, and then serves it from the cache', async () => {
    const source = { location: server.url, cacheDir };
    const first = await loadStyleNetwork(source, 'wave');
    expect(bytesOf(first).equals(bytesOf(fromFolder))).toBe(true);
    expect(server.requests[0]).toBe(`${WAVE}/manifest.json`);
    expect(new Set(server.requests).size).toBe(49);
    expect(server.requests.every((path) => path.startsWith(`${WAVE}/`))).toBe(true);

    server.requests.length = 0;
    const second = await loadStyleNetwork(source, 'wave');
    expect(server.requests).toEqual([]);
    expect(bytesOf(second).equals(bytesOf(fromFolder))).toBe(true);
  });

  it('rejects a file with one byte flipped and keeps nothing of it', async () => {
    server.setFault(VARIABLE_3, { kind: 'flip', offset: 1000 });
    const load = loadStyleNetwork({ location: server.url, cacheDir }, 'wave');
    const error = await expectWeightsError(load, 'weights-corrupt');
    expect(error.message).toContain(`${server.url}${VARIABLE_3}`);
    expect(error.message).toContain('sha256');
    const kept = await readdir(cacheDir, { recursive: true });
    expect(kept.some((name) => name.endsWith('Variable_3'))).toBe(false);
  });

  it('says which file could not be fetched and what to set', async () => {
    server.setFault(VARIABLE_3, { kind: 'status', status: 404 });
    const load = loadStyleNetwork({ location: server.url, cacheDir }, 'wave');
    const error = await expectWeightsError(load, 'weights-unreachable');
    expect(error.message).toContain('404');
    expect(error.message).toContain(`${server.url}${VARIABLE_3}`);
    expect(error.message).toContain('EASEL_ASSETS');
  });
});
