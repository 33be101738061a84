import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PresetGallery, queuePainter } from '../../src/gallery/index.js';
import { DEFAULT_IMAGE_LIMITS } from '../../src/images/limits.js';
import { InputLimiter } from '../../src/jobs/input-limiter.js';
import { restoreJobs, type Journal } from '../../src/jobs/journal/index.js';
import { loadPresets } from '../../src/jobs/presets.js';
import { JobQueue } from '../../src/jobs/queue.js';
import { PlaygroundJobs } from '../../src/playground/jobs.js';
import { cleanScratch, tinyPresetsFile } from '../discord/harness.js';
import { ControlledEngine } from '../jobs/controlled-engine.js';
import { logger, spec, track } from '../jobs/queue-support.js';
import { SHARED } from '../support/engine.js';
import { openJournal, scratchDirs } from './support.js';

const OPTIONS = { maxSize: 64, maxIterations: 100 };
const dirs = scratchDirs();
const opened: Journal[] = [];

afterEach(async () => {
  for (const journal of opened.splice(0)) journal.close();
  await dirs.cleanup();
  await cleanScratch();
});

function boot(dir: string): { journal: Journal; queue: JobQueue; engine: ControlledEngine } {
  const journal = openJournal(dir);
  opened.push(journal);
  const engine = new ControlledEngine();
  return { journal, engine, queue: new JobQueue({ engine, logger, observers: [journal] }) };
}

const visitor = (id: string) => ({ ...spec(id), requester: { platform: 'playground', userId: id } });

describe('playground jobs after a restart', () => {
  it("keeps a restored job under its old id for the visitor's page to follow, and a lost one to say why", async () => {
    const dir = await dirs.make();
    const before = boot(dir);
    const kept = track(before.queue, visitor('v1'));
    const lost = track(before.queue, visitor('v2'));
    await before.engine.nextRun();
    before.journal.close();
    opened.splice(0);
    rmSync(join(dir, 'inputs', lost.id), { recursive: true });

    const after = boot(dir);
    const presets = await loadPresets({
      file: await tinyPresetsFile(),
      assets: { location: SHARED, cacheDir: join(dir, 'cache') },
      optionLimits: OPTIONS,
      imageLimits: DEFAULT_IMAGE_LIMITS,
    });
    const jobs = new PlaygroundJobs(
      {
        queue: after.queue,
        inputs: new InputLimiter(),
        presets,
        gallery: new PresetGallery({ presets, paint: queuePainter(after.queue, OPTIONS, presets.defaults), logger }),
        logger,
        limits: {
          maxDownloadBytes: 1024 * 1024,
          downloadTimeoutMs: 1000,
          image: DEFAULT_IMAGE_LIMITS,
          options: OPTIONS,
        },
      },
      logger,
    );
    expect(await restoreJobs(after.journal, after.queue, new Map([['playground', jobs]]), logger)).toEqual({
      restored: 1,
      lost: 1,
      kept: 0,
    });

    // Only its own visitor may follow it.
    expect(jobs.get(kept.id, 'v2')).toBeUndefined();
    await expect
      .poll(() => jobs.get(kept.id, 'v1')?.frame?.line)
      .toMatch(/^easel restarted; your job is back in line, #1/);
    expect(jobs.get(lost.id, 'v2')?.frame).toMatchObject({
      stage: 'failed',
      line: "easel restarted, and couldn't read this job's images back. Please ask again.",
      cancellable: false,
    });

    const run = await after.engine.nextRun();
    run.finish();
    await expect.poll(() => jobs.get(kept.id, 'v1')?.frame?.stage).toBe('done');
    expect(jobs.get(kept.id, 'v1')?.result).toBeInstanceOf(Buffer);
    jobs.close();
  });
});
