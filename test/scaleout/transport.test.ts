import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactRedisUrl } from '../../src/scaleout/connection.js';
import { ImageTooLargeForRedisError } from '../../src/scaleout/errors.js';
import { ImageStore } from '../../src/scaleout/image-store.js';
import { decodePreview, encodePreview } from '../../src/scaleout/previews.js';
import { solidImage } from '../fixtures/images.js';
import { skipWithoutRedis, startTestRedis, type TestRedis } from './redis.js';

describe('what travels between the bot and its workers', () => {
  it('never shows a Redis password', () => {
    expect(redactRedisUrl('redis://easel:s3cret@redis:6379/2')).toBe('redis://easel:[token]@redis:6379/2');
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactRedisUrl('not a url: s3cret')).not.toContain('s3cret');
  });

  it('sends a preview as its pixels, and ignores a message that is not one', () => {
    const preview = solidImage(5, 3, [9, 8, 7]);
    const decoded = decodePreview(encodePreview({ jobKey: 'job-1', preview }));
    expect(decoded?.jobKey).toBe('job-1');
    expect(decoded?.preview).toMatchObject({ width: 5, height: 3 });
    expect([...(decoded?.preview.data ?? [])]).toEqual([...preview.data]);
    expect(decodePreview(Buffer.from('hello'))).toBeUndefined();
  });
});

describe.skipIf(skipWithoutRedis)('the image store', () => {
  let redis: TestRedis;
  let client: Redis;
  let dir: string;

  beforeAll(async () => {
    redis = await startTestRedis(2);
    client = new Redis(redis.url);
    dir = await mkdtemp(join(tmpdir(), 'easel-store-'));
  });

  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps small images in Redis and larger ones in the shared folder, and deletes both', async () => {
    // 8×8 RGB is 192 bytes: inline; 16×16 (768 bytes) goes to the folder.
    const store = new ImageStore({ redis: client, maxInlineBytes: 200, sharedDir: dir, ttlMs: 60_000 });
    const small = solidImage(8, 8, [1, 2, 3]);
    const large = solidImage(16, 16, [4, 5, 6]);
    const [inRedis, inFolder] = [await store.put('job-1', 'content', small), await store.put('job-1', 'style0', large)];
    expect([inRedis.where, inFolder.where]).toEqual(['redis', 'shared']);
    expect(await client.pttl(inRedis.key)).toBeGreaterThan(0);
    expect([...(await store.get(inRedis)).data]).toEqual([...small.data]);
    expect([...(await store.get(inFolder)).data]).toEqual([...large.data]);

    await store.delete([inRedis, inFolder]);
    expect(await client.exists(inRedis.key)).toBe(0);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses, in words for the member, an image too large for Redis when there is no shared folder', async () => {
    const store = new ImageStore({ redis: client, maxInlineBytes: 100, ttlMs: 60_000 });
    await expect(store.put('job-2', 'content', solidImage(8, 8, [1, 2, 3]))).rejects.toThrow(
      ImageTooLargeForRedisError,
    );
  });
});
