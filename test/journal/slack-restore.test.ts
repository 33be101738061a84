import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { SlackConfig } from '../../src/config/slack.js';
import { PresetGallery, queuePainter } from '../../src/gallery/index.js';
import { DEFAULT_IMAGE_LIMITS } from '../../src/images/limits.js';
import { InputLimiter } from '../../src/jobs/input-limiter.js';
import { restoreJobs, type Journal } from '../../src/jobs/journal/index.js';
import type { PlatformDeps, RunningPlatform } from '../../src/jobs/platform.js';
import { loadPresets } from '../../src/jobs/presets.js';
import { JobQueue } from '../../src/jobs/queue.js';
import { startSlack } from '../../src/slack/index.js';
import { ControlledEngine } from '../jobs/controlled-engine.js';
import { command, jobTexts, painting, photo, postJpeg } from '../slack/harness.js';
import { startSlackStandIn, type SlackStandIn, type StoredMessage } from '../standins/slack/server.js';
import { SHARED } from '../support/engine.js';
import { cleanScratch, tinyPresetsFile } from '../discord/harness.js';
import { openJournal, scratchDirs } from './support.js';

const logger = pino({ level: 'silent' });
const dirs = scratchDirs();
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await dirs.cleanup();
  await cleanScratch();
});

const LIMITS = { maxBytes: 2 * 1024 * 1024, maxPixels: 1_000_000, minSide: 16 };
const OPTIONS = { maxSize: 64, maxIterations: 400 };

/** One run of the Slack bot: a journal on `dataDir`, a queue on a ControlledEngine, and the real Slack adapter. */
async function boot(
  slack: SlackStandIn,
  dataDir: string,
): Promise<{ journal: Journal; queue: JobQueue; engine: ControlledEngine; platform: RunningPlatform }> {
  const journal = openJournal(dataDir);
  const engine = new ControlledEngine();
  const queue = new JobQueue({ engine, logger, observers: [journal] });
  const presets = await loadPresets({
    file: await tinyPresetsFile(),
    assets: { location: SHARED, cacheDir: join(dataDir, 'cache') },
    optionLimits: OPTIONS,
    imageLimits: DEFAULT_IMAGE_LIMITS,
  });
  const deps: PlatformDeps = {
    queue,
    inputs: new InputLimiter(),
    presets,
    gallery: new PresetGallery({ presets, paint: queuePainter(queue, OPTIONS, presets.defaults), logger }),
    logger,
    limits: { maxDownloadBytes: LIMITS.maxBytes, downloadTimeoutMs: 5000, image: LIMITS, options: OPTIONS },
  };
  const config: SlackConfig = {
    botToken: slack.botToken,
    connection: { mode: 'socket', appToken: slack.appToken },
    apiUrl: slack.apiUrl,
    channels: [],
    progressIntervalMs: 100,
  };
  const platform = await startSlack(deps, config);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await platform.stop();
    journal.close();
  };
  cleanups.push(stop);
  return { journal, queue, engine, platform: { ...platform, stop } };
}

async function postPair(slack: SlackStandIn, user: string): Promise<StoredMessage> {
  postJpeg(slack, user, 'C1', await photo('tubingen.jpg', 40));
  return postJpeg(slack, user, 'C1', await painting('munch_the_scream.jpg', 40));
}

describe('Slack jobs after a restart', () => {
  it("posts each restored job's status again in its channel and thread, paints it, and tells the member of a lost one", async () => {
    const slack = await startSlackStandIn();
    cleanups.push(() => slack.close());
    const dataDir = await dirs.make();
    const before = await boot(slack, dataDir);
    await slack.connected();
    const kept = await postPair(slack, 'U1');
    await command(slack, 'U1', 'C1', '');
    await before.engine.nextRun();
    const lost = await postPair(slack, 'U2');
    await command(slack, 'U2', 'C1', '');
    await expect.poll(() => jobTexts(slack, 'C1', lost.ts).at(-1)).toMatch(/You're next in line/);
    // The process dies: nothing is finished or tidied, and one job's images are lost with the disk.
    await before.platform.stop();
    const lostPost = slack.callsOf('chat.postMessage').find((c) => c.args.thread_ts === lost.ts);
    const lostId = /"value":"([^"]+)"/.exec(JSON.stringify(lostPost?.args.blocks))?.[1];
    rmSync(join(dataDir, 'inputs', lostId!), { recursive: true });

    const after = await boot(slack, dataDir);
    await expect.poll(() => after.platform.connected()).toBe(true);
    const restorers = new Map([[after.platform.name, after.platform.restorer]]);
    expect(await restoreJobs(after.journal, after.queue, restorers, logger)).toEqual({ restored: 1, lost: 1, kept: 0 });

    const posts = (): string[] =>
      slack
        .callsOf('chat.postMessage')
        .filter((c) => c.args.channel === 'C1')
        .map((c) => String(c.args.text));
    await expect
      .poll(posts)
      .toContainEqual(
        expect.stringMatching(/^<@U2> \*.+\* · easel restarted, and couldn't read this job's images back/),
      );
    const restoredPost = await slack.waitForCall(
      'chat.postMessage',
      (c) =>
        c.args.thread_ts === kept.ts && String(c.args.text).includes('easel restarted; your job is back in line, #1'),
    );
    const run = await after.engine.nextRun();
    run.finish();
    const upload = await slack.waitForUpload((u) => u.threadTs === kept.ts);
    expect(upload.comment).toContain('<@U1>');
    await expect
      .poll(() =>
        slack
          .callsOf('chat.update')
          .filter((c) => c.args.ts === restoredPost.result?.ts)
          .map((c) => String(c.args.text))
          .at(-1),
      )
      .toMatch(/Done in/);
    expect(after.journal.unfinished()).toEqual([]);

    await after.platform.stop();
    expect(after.platform.connected()).toBe(false);
  });

  it('takes away the preview a crash left in the thread, so the thread never shows two', async () => {
    const slack = await startSlackStandIn();
    cleanups.push(() => slack.close());
    const dataDir = await dirs.make();
    const before = await boot(slack, dataDir);
    await slack.connected();
    const pair = await postPair(slack, 'U1');
    await command(slack, 'U1', 'C1', '');
    const first = await before.engine.nextRun();
    first.progress(1, { preview: { width: 40, height: 30, data: new Uint8Array(40 * 30 * 3).fill(90) } });
    const left = await slack.waitForUpload((u) => u.filename === 'preview.jpg');
    const previewsInThread = (): string[] =>
      slack
        .thread('C1', pair.ts)
        .flatMap((m) => m.files ?? [])
        .flatMap((f) => (f.name === 'preview.jpg' ? [f.id] : []));
    await expect.poll(previewsInThread).toHaveLength(1);
    // The process dies with the preview in the thread; the journal has noted it.
    await expect.poll(() => JSON.stringify(before.journal.unfinished()[0]?.request?.replyTo)).toContain('previewFile');
    await before.platform.stop();

    const after = await boot(slack, dataDir);
    await expect.poll(() => after.platform.connected()).toBe(true);
    const restorers = new Map([[after.platform.name, after.platform.restorer]]);
    expect(await restoreJobs(after.journal, after.queue, restorers, logger)).toEqual({ restored: 1, lost: 0, kept: 0 });
    const run = await after.engine.nextRun();
    run.finish();
    await slack.waitForUpload((u) => u.threadTs === pair.ts && u.filename !== 'preview.jpg');
    await expect.poll(previewsInThread).toEqual([]);
    expect(slack.callsOf('files.delete').map((c) => c.args.file)).toContain(left.fileId);
  });
});
