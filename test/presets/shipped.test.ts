import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/config/paths.js';
import type { FeedForwardEngine } from '../../src/engine/feedforward/index.js';
import { startEngine, type StyleEngine } from '../../src/engine/index.js';
import type { RgbImage } from '../../src/engine/types.js';
import { DEFAULT_IMAGE_LIMITS } from '../../src/images/limits.js';
import type { JobEvent } from '../../src/jobs/job.js';
import {
  loadPresets,
  planPreset,
  presetJob,
  type Preset,
  type PresetCatalog,
  type PresetPlan,
} from '../../src/jobs/presets.js';
import { JobQueue } from '../../src/jobs/queue.js';
import { SHARED, SHARED_VGG19, sharedImage } from '../support/engine.js';
import { startNetworkEngine } from './support.js';

/**
 * Every preset of config/presets.json, through the real queue and engines: its network (as a reaction paints) and,
 * where it has one, its painting with its tuned settings (at 40 px and two iterations, so it stays quick).
 */

const logger = pino({ level: 'silent' });
const limits = { maxSize: 1024, maxIterations: 500 };
let catalog: PresetCatalog;
let gatys: StyleEngine;
let network: FeedForwardEngine;
let queue: JobQueue;
let photo: RgbImage;

beforeAll(async () => {
  const assets = { location: SHARED, cacheDir: '/nonexistent-cache' };
  catalog = await loadPresets({
    file: join(REPO_ROOT, 'config/presets.json'),
    assets,
    optionLimits: limits,
    imageLimits: DEFAULT_IMAGE_LIMITS,
  });
  const layers = [
    ...new Set(
      catalog
        .list()
        .flatMap(({ painting }) =>
          painting ? [painting.base.contentLayer, ...painting.base.styleLayers.map((s) => s.layer)] : [],
        ),
    ),
  ];
  [gatys, network, photo] = await Promise.all([
    startEngine(
      { weights: { location: SHARED_VGG19, cacheDir: '/nonexistent-cache' }, slots: 1, threads: 2, layers },
      logger,
    ),
    startNetworkEngine(64),
    sharedImage('content/tubingen.jpg', 64),
  ]);
  queue = new JobQueue({ engine: gatys, networkEngine: network, logger, maxPerUser: 100, maxWaiting: 100 });
}, 120_000);

afterAll(async () => {
  await queue?.close();
  await Promise.all([gatys?.close(), network?.close()]);
});

/** Runs a plan through the queue and returns the result, or the message it failed with. */
function paint(plan: PresetPlan, userId: string): Promise<RgbImage> {
  return new Promise((resolve, reject) => {
    void presetJob(plan, { platform: 'test', userId }, photo).then((spec) =>
      queue.submit(spec, (event: JobEvent) => {
        if (event.type === 'done') resolve(event.result.image);
        if (event.type === 'failed' || event.type === 'cancelled') reject(new Error(JSON.stringify(event)));
      }),
    );
  });
}

const presets = (): Preset[] => catalog.list();

describe('every shipped preset', () => {
  it('is there: the photo is 64×48', () => {
    expect(presets()).toHaveLength(14);
    expect([photo.width, photo.height]).toEqual([64, 48]);
  });

  it('paints as a reaction would, 40 px on its longest side', async () => {
    const results = await Promise.all(
      presets().map(async (preset) => {
        const plan = planPreset(
          preset,
          { size: 40, iterations: preset.network ? undefined : 2 },
          limits,
          catalog.defaults,
        );
        const image = await paint(plan, `reaction-${preset.id}`);
        return [preset.id, plan.kind, image.width, image.height];
      }),
    );
    for (const [id, kind, width, height] of results) {
      expect([width, height], String(id)).toEqual([40, 30]);
      expect(kind, String(id)).toBe(catalog.byId(String(id))?.network ? 'network' : 'gatys');
    }
  }, 300_000);

  it('with a painting also paints it, with its tuned settings', async () => {
    const painted = presets().filter((preset) => preset.painting && preset.network);
    expect(painted.map((preset) => preset.id)).toEqual(['wave', 'scream', 'shipwreck']);
    for (const preset of painted) {
      const plan = planPreset(preset, { size: 40, iterations: 2 }, limits, catalog.defaults);
      expect(plan.kind).toBe('gatys');
      const image = await paint(plan, `painting-${preset.id}`);
      expect([image.width, image.height], preset.id).toEqual([40, 30]);
    }
  }, 300_000);
});
