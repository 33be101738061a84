import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../src/engine/options.js';
import type { RgbImage } from '../../src/engine/types.js';
import type { GatysJobSpec, JobSpec } from '../../src/jobs/job.js';
import type { Recipe } from '../../src/jobs/recipe.js';
import { biggerSize, readRemixId, remixId, REMIX_ACTIONS } from '../../src/jobs/remix/actions.js';
import { RemixStore } from '../../src/jobs/remix/index.js';

const logger = pino({ level: 'silent' });
let dir: string;
let now: number;
const stores: RemixStore[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'easel-remix-store-'));
  now = 1_000_000;
});

afterEach(async () => {
  for (const store of stores.splice(0)) store.close();
  await rm(dir, { recursive: true, force: true });
});

function open(maxBytes = 1_000_000, keepMs = 60_000): RemixStore {
  const store = RemixStore.open({ dir, keepMs, maxBytes, logger, now: () => now });
  stores.push(store);
  return store;
}

function image(side: number, value = 7): RgbImage {
  return { width: side, height: side, data: new Uint8Array(side * side * 3).fill(value) };
}

/** A chat job with a style image of its own: content and style are kept, 2 × side² × 3 bytes. */
function chatJob(side = 10, recipe: Recipe = { settings: { strength: 7 } }): GatysJobSpec {
  return {
    kind: 'gatys',
    requester: { platform: 'discord', userId: '42' },
    content: image(side, 1),
    styles: [image(side, 2)],
    options: DEFAULT_OPTIONS,
    label: 'Custom style',
    recipe,
  };
}

function finish(store: RemixStore, spec: JobSpec, end: 'done' | 'failed' = 'done'): string {
  const id = randomUUID();
  store.onFinished({ id, lane: spec.kind, spec, submittedAt: now }, end);
  return id;
}

describe('the remix store', () => {
  it("keeps a finished chat job's images and recipe, and gives them back after a reopen", () => {
    const id = finish(open(), chatJob());
    stores.pop()!.close();
    const store = open();
    const kept = store.kept(id)!;
    expect(kept.requester).toEqual({ platform: 'discord', userId: '42' });
    expect(kept.request.recipe).toEqual({ settings: { strength: 7 } });
    const spec = store.specOf(kept, { platform: 'discord', userId: '42' });
    expect(spec.kind === 'gatys' && spec.styles[0]!.data[0]).toBe(2);
    expect(spec.content.data).toEqual(image(10, 1).data);
  });

  it('keeps only jobs that were done and asked for in chat (with a recipe), and only the photo for a preset', () => {
    const store = open();
    expect(store.kept(finish(store, chatJob(), 'failed'))).toBeUndefined();
    const { recipe: _recipe, ...notFromChat } = chatJob();
    expect(store.kept(finish(store, notFromChat))).toBeUndefined();
    const preset = finish(store, chatJob(10, { presetId: 'wave', settings: {} }));
    expect(store.kept(preset)?.request.images).toEqual([{ width: 10, height: 10 }]);
    expect(store.bytes).toBe(300);
  });

  it('lets a job go once it is older than keepMs', () => {
    const store = open(1_000_000, 60_000);
    const id = finish(store, chatJob());
    now += 59_000;
    expect(store.kept(id)).toBeDefined();
    now += 2_000;
    expect(store.kept(id)).toBeUndefined();
    expect(store.bytes).toBe(0);
  });

  it('stays under maxBytes by letting the oldest go first, and keeps nothing bigger than the cap', () => {
    // Each job is 600 bytes; room for two.
    const store = open(1_300);
    const first = finish(store, chatJob());
    now += 1;
    const second = finish(store, chatJob());
    now += 1;
    const third = finish(store, chatJob());
    expect(store.kept(first)).toBeUndefined();
    expect(store.kept(second)).toBeDefined();
    expect(store.kept(third)).toBeDefined();
    expect(store.bytes).toBe(1_200);
    expect(store.kept(finish(store, chatJob(30)))).toBeUndefined();
    expect(store.kept(third)).toBeDefined();
  });
});

describe('remix button ids', () => {
  it('carry the action and the job id within Discord’s 100 characters, and refuse anything else', () => {
    const jobId = randomUUID();
    for (const action of REMIX_ACTIONS) {
      const id = remixId(action, jobId);
      expect(id.length).toBeLessThanOrEqual(100);
      expect(readRemixId(id)).toEqual({ action, jobId });
    }
    expect(readRemixId(`easel:cancel:${jobId}`)).toBeUndefined();
    expect(readRemixId(`easel:remix:explode:${jobId}`)).toBeUndefined();
    expect(readRemixId('easel:remix:more:../../etc')).toBeUndefined();
    expect(readRemixId(`easel:remix:more:${jobId}:x`)).toBeUndefined();
  });

  it('step Bigger through the sizes up to the cap, and not past it', () => {
    expect(biggerSize(512, 1024)).toBe(768);
    expect(biggerSize(900, 1024)).toBe(1024);
    expect(biggerSize(48, 64)).toBe(64);
    expect(biggerSize(1024, 1024)).toBeUndefined();
  });
});
