import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { JobAbortedError } from '../../src/errors.js';
import { pino } from 'pino';
import { startEngine, type StyleEngine } from '../../src/engine/index.js';
import { DEFAULT_OPTIONS } from '../../src/engine/options.js';
import type { RuntimeName } from '../../src/engine/runtimes/index.js';
import type { WeightsSource } from '../../src/engine/weights/types.js';
import type { RgbImage, StylizeOptions } from '../../src/engine/types.js';
import { decodeImage } from '../../src/images/decode.js';
import { resizeImage } from '../../src/images/resize.js';

/** ../shared next to the repository, as in CI's clean clone. */
export const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));
export const SHARED_VGG19 = `${SHARED}models/vgg19`;

/** A shared sample image, decoded and shrunk so engine tests stay fast. */
export async function sharedImage(path: string, side = 64): Promise<RgbImage> {
  return resizeImage(await decodeImage(await readFile(`${SHARED}images/${path}`)), side);
}

/** Small, quick settings with the real default layers. */
export function quickOptions(overrides: Partial<StylizeOptions> = {}): StylizeOptions {
  return { ...DEFAULT_OPTIONS, size: 64, iterations: 4, ...overrides };
}

/** An engine in its worker thread with the default layers, quiet logs and one slot. */
export function startTestEngine(backend: RuntimeName, weights: WeightsSource): Promise<StyleEngine> {
  return startEngine(
    {
      weights,
      backend,
      slots: 1,
      threads: 2,
      layers: [DEFAULT_OPTIONS.contentLayer, ...DEFAULT_OPTIONS.styleLayers.map((s) => s.layer)],
    },
    pino({ level: 'silent' }),
  );
}

/** Starts a long job, aborts it at its first progress event, and checks it stopped within one more iteration. */
export async function expectAbortWithinOneIteration(
  engine: StyleEngine,
  content: RgbImage,
  style: RgbImage,
): Promise<void> {
  const controller = new AbortController();
  const seen: number[] = [];
  const job = engine.stylize(
    0,
    { content, styles: [style], options: quickOptions({ iterations: 100 }) },
    {
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.iteration);
        if (p.iteration === 1) controller.abort();
      },
    },
  );
  await expect(job).rejects.toBeInstanceOf(JobAbortedError);
  expect(Math.max(...seen)).toBeLessThanOrEqual(2);
}
