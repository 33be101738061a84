import { readdir, readFile, rm, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VGG19_LAYERS } from '../../src/engine/vgg19.js';
import { SHARED_VGG19_SHA256 } from '../../src/engine/weights/known-sources.js';
import { loadConvWeights } from '../../src/engine/weights/load.js';
import type { ConvWeights } from '../../src/engine/weights/types.js';
import { serveDirectory, type StaticServer } from '../support/static-server.js';
import { expectWeightsError } from './expect-weights-error.js';
import { SHARED_VGG19 } from '../support/engine.js';

const SHARD_1 = 'group1-shard1of21.bin';
const SHARD_2 = 'group1-shard2of21.bin';

/** Every file under the cache folder, relative to it. */
async function cachedFiles(cacheDir: string): Promise<string[]> {
  const entries = await readdir(cacheDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
}

async function shardFloats(file: string, byteOffset: number, count: number): Promise<Float32Array> {
  const bytes = await readFile(join(SHARED_VGG19, file));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset + byteOffset, bytes.byteOffset + byteOffset + count * 4));
}

let server: StaticServer;
let cacheDir: string;
let modelUrl: string;

beforeAll(async () => {
  server = await serveDirectory(SHARED_VGG19);
  modelUrl = `${server.url}model.json`;
});

afterAll(() => server.close());

beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'easel-weights-cache-'));
  server.requests.length = 0;
});

afterEach(async () => {
  for (const file of [SHARD_1, SHARD_2, 'model.json']) server.setFault(file, undefined);
  await rm(cacheDir, { recursive: true, force: true });
});

describe('the shared single-group VGG19 over http', () => {
  it('fetches only model.json and the first shard for block1', async () => {
    const loaded = await loadConvWeights({ location: modelUrl, cacheDir, sha256: SHARED_VGG19_SHA256 }, [
      'block1_conv2',
    ]);

    expect(server.requests).toEqual(['/model.json', `/${SHARD_1}`]);
    const conv1 = loaded.get('block1_conv1') as ConvWeights;
    expect([conv1.inChannels, conv1.outChannels, conv1.kernel.length, conv1.bias.length]).toEqual([3, 64, 1728, 64]);
    expect(conv1.kernel.subarray(0, 8)).toEqual(await shardFloats(SHARD_1, 0, 8));
    expect(conv1.bias.subarray(0, 4)).toEqual(await shardFloats(SHARD_1, 1728 * 4, 4));
    expect(loaded.get('block1_conv2')?.kernel.length).toBe(3 * 3 * 64 * 64);
  });

  it('fetches the leading shards once for block5_conv1, then serves them from the cache', async () => {
    const source = { location: modelUrl, cacheDir, sha256: SHARED_VGG19_SHA256 };
    const first = await loadConvWeights(source, ['block5_conv1', 'block1_conv1']);

    // block5_conv1/bias ends at byte 51,779,840 of the group: shards 1 to 13 of 4,000,000 bytes.
    const shards = Array.from({ length: 13 }, (_, i) => `/group1-shard${i + 1}of21.bin`);
    expect(server.requests).toEqual(['/model.json', ...shards]);
    expect([...first.keys()]).toEqual(VGG19_LAYERS.slice(0, 13));
    expect(first.get('block5_conv1')?.inChannels).toBe(512);

    server.requests.length = 0;
    const second = await loadConvWeights(source, ['block5_conv1']);
    expect(server.requests).toEqual([]);
    // Compared as bytes: element-wise toEqual on 2.4 million floats takes half a minute.
    const kernelBytes = (weights: ConvWeights | undefined) => Buffer.from(weights?.kernel.buffer ?? new ArrayBuffer(0));
    expect(kernelBytes(second.get('block5_conv1')).equals(kernelBytes(first.get('block5_conv1')))).toBe(true);
    expect(kernelBytes(second.get('block5_conv1')).byteLength).toBe(3 * 3 * 512 * 512 * 4);
  });

  it('rejects a shard with one byte flipped and keeps nothing of it', async () => {
    server.setFault(SHARD_1, { kind: 'flip', offset: 1000 });
    const error = await expectWeightsError(
      loadConvWeights({ location: modelUrl, cacheDir, sha256: SHARED_VGG19_SHA256 }, ['block1_conv1']),
      'weights-corrupt',
    );
    expect(error.message).toContain(`${server.url}${SHARD_1}`);
    expect(error.message).toContain('sha256');
    expect(await cachedFiles(cacheDir)).toEqual(['model.json']);
  });

  it('rejects a truncated shard by its length alone when no sha256 is configured', async () => {
    server.setFault(SHARD_2, { kind: 'truncate', bytes: 3_999_000 });
    const error = await expectWeightsError(
      loadConvWeights({ location: modelUrl, cacheDir }, ['block3_conv2']),
      'weights-corrupt',
    );
    expect(error.message).toContain('3999000 bytes');
    expect(await cachedFiles(cacheDir)).toEqual([SHARD_1, 'model.json']);
  });

  it('rejects a truncated first shard by its sha256', async () => {
    server.setFault(SHARD_1, { kind: 'truncate', bytes: 3_999_000 });
    await expectWeightsError(
      loadConvWeights({ location: modelUrl, cacheDir, sha256: SHARED_VGG19_SHA256 }, ['block1_conv1']),
      'weights-corrupt',
    );
  });

  it('deletes a damaged cached shard and downloads it again', async () => {
    const source = { location: modelUrl, cacheDir, sha256: SHARED_VGG19_SHA256 };
    const clean = await loadConvWeights(source, ['block1_conv1']);
    const [folder] = await readdir(cacheDir);
    const cachedShard = join(cacheDir, folder ?? '', SHARD_1);
    const damaged = await readFile(cachedShard);
    damaged[0] = (damaged[0] ?? 0) ^ 0xff;
    await writeFile(cachedShard, damaged);

    server.requests.length = 0;
    const reloaded = await loadConvWeights(source, ['block1_conv1']);
    expect(server.requests).toEqual([`/${SHARD_1}`]);
    expect(reloaded.get('block1_conv1')?.kernel).toEqual(clean.get('block1_conv1')?.kernel);
  });

  it('says the bad cached copy was deleted when the new download is bad too', async () => {
    const source = { location: modelUrl, cacheDir, sha256: SHARED_VGG19_SHA256 };
    await loadConvWeights(source, ['block1_conv1']);
    const [folder] = await readdir(cacheDir);
    await writeFile(join(cacheDir, folder ?? '', SHARD_1), 'not a shard');
    server.setFault(SHARD_1, { kind: 'flip', offset: 0 });

    const error = await expectWeightsError(loadConvWeights(source, ['block1_conv1']), 'weights-corrupt');
    expect(error.message).toContain('deleted');
    expect(await cachedFiles(cacheDir)).toEqual(['model.json']);
  });

  it('reports an HTTP error as unreachable, with the status and the URL', async () => {
    server.setFault(SHARD_1, { kind: 'status', status: 404 });
    const error = await expectWeightsError(
      loadConvWeights({ location: modelUrl, cacheDir }, ['block1_conv1']),
      'weights-unreachable',
    );
    expect(error.message).toContain('404');
    expect(error.message).toContain(`${server.url}${SHARD_1}`);
    expect(error.message).toContain('EASEL_VGG19');
  });

  it('does not cache a model.json that is not JSON', async () => {
    server.setFault('model.json', { kind: 'truncate', bytes: 100 });
    const error = await expectWeightsError(
      loadConvWeights({ location: modelUrl, cacheDir }, ['block1_conv1']),
      'weights-corrupt',
    );
    expect(error.message).toContain(modelUrl);
    expect(await cachedFiles(cacheDir)).toEqual([]);
  });

  it('checks model.json against its sha256', async () => {
    await expectWeightsError(
      loadConvWeights({ location: modelUrl, cacheDir, sha256: { 'model.json': 'f'.repeat(64) } }, ['block1_conv1']),
      'weights-corrupt',
    );
  });
});

describe('the shared single-group VGG19 on disk', () => {
  it('reads the same values as over http, without touching the cache', async () => {
    const local = await loadConvWeights({ location: SHARED_VGG19, cacheDir, sha256: SHARED_VGG19_SHA256 }, [
      'block1_conv2',
    ]);
    expect(local.get('block1_conv2')?.bias.subarray(0, 4)).toEqual(
      await shardFloats(SHARD_1, (1728 + 64 + 36864) * 4, 4),
    );
    expect(await cachedFiles(cacheDir)).toEqual([]);
  });
});

describe('interrupted downloads', () => {
  it('leaves no partial file when the server hangs up midway, and recovers on the next load', async () => {
    server.setFault(SHARD_1, { kind: 'hang-up', afterBytes: 1_000_000 });
    const source = { location: modelUrl, cacheDir, sha256: SHARED_VGG19_SHA256 };
    const error = await expectWeightsError(loadConvWeights(source, ['block1_conv1']), 'weights-unreachable');
    expect(error.message).toContain(`${server.url}${SHARD_1}`);
    expect(await cachedFiles(cacheDir)).toEqual(['model.json']);

    server.setFault(SHARD_1, undefined);
    const loaded = await loadConvWeights(source, ['block1_conv1']);
    expect(loaded.get('block1_conv1')?.kernel.subarray(0, 8)).toEqual(await shardFloats(SHARD_1, 0, 8));
  });

  it('gives up on a stalled download after the timeout, leaving no partial file', async () => {
    server.setFault(SHARD_1, { kind: 'stall', afterBytes: 1_000_000 });
    const error = await expectWeightsError(
      loadConvWeights({ location: modelUrl, cacheDir }, ['block1_conv1'], { timeoutMs: 500 }),
      'weights-unreachable',
    );
    expect(error.message).toContain('did not finish within 500 ms');
    expect(await cachedFiles(cacheDir)).toEqual(['model.json']);
  });

  it("stops when the caller aborts, with the caller's reason, leaving no partial file", async () => {
    server.setFault(SHARD_1, { kind: 'stall', afterBytes: 1_000_000 });
    const controller = new AbortController();
    const loading = loadConvWeights({ location: modelUrl, cacheDir }, ['block1_conv1'], { signal: controller.signal });
    while (!server.requests.includes(`/${SHARD_1}`)) await new Promise((tick) => setTimeout(tick, 10));
    const reason = new Error('shutting down');
    controller.abort(reason);

    await expect(loading).rejects.toBe(reason);
    expect(await cachedFiles(cacheDir)).toEqual(['model.json']);
  });
});
