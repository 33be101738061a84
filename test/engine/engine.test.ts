import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobAbortedError, UserError } from '../../src/errors.js';
import type { StyleEngine } from '../../src/engine/index.js';
import type { Progress } from '../../src/engine/types.js';
import { SHARED_VGG19_SHA256 } from '../../src/engine/weights/known-sources.js';
import {
  expectAbortWithinOneIteration,
  quickOptions,
  SHARED_VGG19,
  sharedImage,
  startTestEngine,
} from '../support/engine.js';
import { serveDirectory, type StaticServer } from '../support/static-server.js';

let server: StaticServer;
let engine: StyleEngine;

beforeAll(async () => {
  // Weights come over loopback HTTP so the engine exercises download, verification and cache.
  server = await serveDirectory(SHARED_VGG19);
  engine = await startTestEngine('wasm', {
    location: `${server.url}model.json`,
    cacheDir: await mkdtemp(join(tmpdir(), 'easel-weights-')),
    sha256: SHARED_VGG19_SHA256,
  });
});

afterAll(async () => {
  await engine?.close();
  await server?.close();
});

describe('the engine in its worker thread', () => {
  it('reports the backend it picked and streams progress back, with no previews unless asked', async () => {
    expect(engine.backend).toBe('wasm');
    expect(engine.slots).toBe(1);
    const progress: Progress[] = [];
    const content = await sharedImage('content/robin.jpg');
    const styles = [await sharedImage('styles/munch_the_scream.jpg')];
    const result = await engine.stylize(
      0,
      { content, styles, options: quickOptions({ iterations: 3 }) },
      { onProgress: (p) => progress.push(p) },
    );
    expect(result.backend).toBe('wasm');
    expect([result.image.width, result.image.height]).toEqual([64, 64]);
    expect(progress.map((p) => p.iteration)).toEqual([1, 2, 3]);
    expect(progress.at(-1)!.fraction).toBe(1);
    expect(progress.filter((p) => p.preview)).toEqual([]);
  });

  it('leaves the caller its images: the pixels are copied into the worker, not taken', async () => {
    const content = await sharedImage('content/robin.jpg');
    const bytes = content.data.byteLength;
    await engine.stylize(0, { content, styles: [content], options: quickOptions({ iterations: 1 }) });
    expect(content.data.byteLength).toBe(bytes);
  });

  it('aborts a running job within one iteration and then serves the next job', async () => {
    const content = await sharedImage('content/chicago.jpg');
    const style = await sharedImage('styles/turner_the_shipwreck.jpg');
    await expectAbortWithinOneIteration(engine, content, style);
    const next = await engine.stylize(0, { content, styles: [style], options: quickOptions({ iterations: 1 }) });
    expect(next.iterations).toBe(1);
  });

  it('keeps no line of its own: a busy or unknown slot is refused, and an aborted job never starts', async () => {
    const content = await sharedImage('content/kitten.jpg');
    const running = new AbortController();
    const request = { content, styles: [content], options: quickOptions() };
    const first = engine.stylize(
      0,
      { ...request, options: quickOptions({ iterations: 100 }) },
      { signal: running.signal },
    );
    await expect(engine.stylize(0, request)).rejects.toThrow(/slot 0 is busy/);
    await expect(engine.stylize(1, request)).rejects.toBeInstanceOf(RangeError);
    running.abort();
    await expect(first).rejects.toBeInstanceOf(JobAbortedError);

    const progress: Progress[] = [];
    const cancelled = new AbortController();
    cancelled.abort();
    const never = engine.stylize(0, request, { signal: cancelled.signal, onProgress: (p) => progress.push(p) });
    await expect(never).rejects.toBeInstanceOf(JobAbortedError);
    expect(progress).toEqual([]);
  });

  it('turns a bad request into a UserError without harming the worker', async () => {
    const content = await sharedImage('content/kitten.jpg');
    await expect(
      engine.stylize(0, { content, styles: [content], options: quickOptions({ size: 4096 }) }),
    ).rejects.toSatisfy((e: unknown) => e instanceof UserError && /`size` must be 512 or less/.test(e.message));
    const next = await engine.stylize(0, { content, styles: [content], options: quickOptions({ iterations: 1 }) });
    expect(next.iterations).toBe(1);
  });
});
