import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { PHOTO_THREADS_FILE, PhotoThreads } from '../../src/discord/photo-threads.js';
import { decodeImage } from '../../src/images/decode.js';
import { fingerprint } from '../../src/images/fingerprint.js';
import { resizeExact } from '../../src/images/resize.js';
import { SHARED } from '../playground/harness.js';

const errors: Array<{ msg: string }> = [];
const logger = pino(
  { level: 'error' },
  { write: (line: string) => void errors.push(JSON.parse(line) as { msg: string }) },
);
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function photoPrint(name: string, side: number): Promise<bigint> {
  const image = await decodeImage(await readFile(join(SHARED, 'images/content', name)));
  return fingerprint(await resizeExact(image, side, Math.round((side * image.height) / image.width)));
}

describe("Discord's photo threads", () => {
  it('are found again by a new process on the same data directory, for the same photo at another size', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'easel-threads-'));
    dirs.push(dir);
    const robin = await photoPrint('robin.jpg', 256);
    const before = new PhotoThreads({ dataDir: dir, logger });
    before.remember('channel-1', 'alice', robin, 'thread-robin');
    before.remember('channel-1', 'alice', await photoPrint('kitten.jpg', 256), 'thread-kitten');
    before.close();

    const after = new PhotoThreads({ dataDir: dir, logger });
    expect(after.find('channel-1', 'alice', await photoPrint('robin.jpg', 96))).toBe('thread-robin');
    // Another member's, or another channel's, is not theirs to join.
    expect(after.find('channel-1', 'bob', robin)).toBeUndefined();
    expect(after.find('channel-2', 'alice', robin)).toBeUndefined();
    after.forget('thread-robin');
    expect(after.find('channel-1', 'alice', robin)).toBeUndefined();
    expect(after.find('channel-1', 'alice', await photoPrint('kitten.jpg', 128))).toBe('thread-kitten');
    after.close();
  });

  it('start afresh from a file that cannot be read, saying so, rather than keep Discord from starting', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'easel-threads-'));
    dirs.push(dir);
    await writeFile(join(dir, PHOTO_THREADS_FILE), 'not a database, just bytes that a full disk left behind');
    const robin = await photoPrint('robin.jpg', 128);
    const threads = new PhotoThreads({ dataDir: dir, logger });
    expect(errors.map((line) => line.msg)).toEqual(["Discord's photo threads could not be read; starting it afresh"]);
    expect(threads.find('channel-1', 'alice', robin)).toBeUndefined();
    threads.remember('channel-1', 'alice', robin, 'thread-robin');
    expect(threads.find('channel-1', 'alice', robin)).toBe('thread-robin');
    threads.close();
  });

  it('keep the newest thread of a photo, for a day', async () => {
    let now = 1_000_000;
    const threads = new PhotoThreads({ logger, now: () => now });
    const robin = await photoPrint('robin.jpg', 128);
    threads.remember('channel-1', 'alice', robin, 'first');
    now += 1_000;
    threads.remember('channel-1', 'alice', robin, 'second');
    expect(threads.find('channel-1', 'alice', robin)).toBe('second');
    now += 24 * 3_600_000 - 500;
    expect(threads.find('channel-1', 'alice', robin)).toBe('second');
    now += 1_000;
    expect(threads.find('channel-1', 'alice', robin)).toBeUndefined();
    threads.close();
  });
});
