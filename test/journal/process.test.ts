import { existsSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/config/paths.js';
import { cleanScratch, scratchPath, sharedImage, texts, tinyPresetsFile, user, waitFor } from '../discord/harness.js';
import { sample } from '../ops/scrape.js';
import { DiscordStandIn, type StandInUser, type StoredMessage } from '../standins/discord/server.js';
import { EaselProcess, type ProcessSetup } from './process.js';

/**
 * easel killed and restarted for real, on the Discord stand-in (which outlives each process, like Discord does),
 * with the real engine at tiny settings. Nothing here waits a fixed time: each step waits for what a member would
 * see. The one long job paints many iterations, so it is still painting when the process is stopped.
 */

/**
 * Long enough to be still painting when the kill comes on any machine: 300 finished first once on a loaded box,
 * where the status edit that says "Painting…" came late. Above the default cap, so the setup raises it.
 */
const LONG = 1500;
const TINY_ITERATIONS = 8;
const RESTORED = /easel restarted; your job is back in line, #\d/;

const processes: EaselProcess[] = [];
const standIns: DiscordStandIn[] = [];

afterEach(async () => {
  await Promise.all(processes.splice(0).map((easel) => easel.end()));
  await Promise.all(standIns.splice(0).map((standIn) => standIn.close()));
});
afterAll(cleanScratch);

async function setup(name: string, env: Record<string, string> = {}): Promise<ProcessSetup> {
  const standIn = await DiscordStandIn.start();
  standIns.push(standIn);
  return {
    standIn,
    dataDir: await scratchPath(`data-${name}`),
    cacheDir: await scratchPath('cache'),
    presetsFile: await tinyPresetsFile(),
    env: { EASEL_MAX_ITERATIONS: '2000', ...env },
  };
}

async function start(config: ProcessSetup): Promise<EaselProcess> {
  const easel = EaselProcess.start(config);
  processes.push(easel);
  await easel.running();
  return easel;
}

/**
 * Waits until the first process has painted the presets gallery and kept it in the cache. Its tiles are jobs in the
 * same line; left unpainted, the next process paints them after the restored jobs, and the iteration count sampled
 * then would hold some of theirs.
 */
async function galleryKept(easel: EaselProcess, config: ProcessSetup): Promise<void> {
  const folder = join(config.cacheDir, 'gallery');
  await waitFor('the presets gallery to be kept', () =>
    easel.logged('presets gallery painted') && existsSync(folder)
      ? readdirSync(folder).some((file) => /^presets-.*\.png$/.test(file))
      : undefined,
  );
}

async function stop(easel: EaselProcess, signal: NodeJS.Signals): Promise<number | null> {
  easel.kill(signal);
  return easel.exited;
}

/** What the journal file holds, read as the next start would: member and state of each job, by member name. */
function journalStates(
  dataDir: string,
  members: readonly StandInUser[],
): Record<string, { id: string; state: string }> {
  const db = new Database(join(dataDir, 'journal.db'));
  try {
    const rows = db.prepare('SELECT id, user_id, state FROM jobs').all() as Array<{
      id: string;
      user_id: string;
      state: string;
    }>;
    return Object.fromEntries(
      rows.map((row) => [
        members.find((member) => member.id === row.user_id)?.username ?? row.user_id,
        { id: row.id, state: row.state },
      ]),
    );
  } finally {
    db.close();
  }
}

/** A /stylize with a preset on a hosted photo. */
async function stylize(standIn: DiscordStandIn, member: StandInUser, preset: string, iterations?: number) {
  const photo = standIn.hostFile('kitten.jpg', await sharedImage('content/kitten.jpg'), 'image/jpeg');
  const options = [
    { name: 'content', type: 11, value: photo.id },
    { name: 'preset', type: 3, value: preset },
    ...(iterations === undefined ? [] : [{ name: 'iterations', type: 4, value: iterations }]),
  ];
  const sent = standIn.sendCommand(member, 'stylize', options, [photo]);
  return waitFor(`${member.username}'s reply`, () => standIn.originalResponse(sent));
}

/** The bot's message in `channelId` that says, at some point, `text` (a string or a pattern), and names `member`. */
function botMessage(
  standIn: DiscordStandIn,
  channelId: string,
  member: StandInUser,
  text: RegExp | string,
): StoredMessage | undefined {
  const says = (content: string): boolean => (typeof text === 'string' ? content.includes(text) : text.test(content));
  return standIn
    .messagesIn(channelId)
    .find((m) => m.author.bot && m.content.includes(`<@${member.id}>`) && texts(m).some(says));
}

function resultFor(standIn: DiscordStandIn, channelId: string, member: StandInUser): StoredMessage | undefined {
  return standIn
    .messagesIn(channelId)
    .find((m) => m.content.includes(`<@${member.id}>`) && m.attachments.some((a) => a.filename === 'result.png'));
}

/** Every text a message showed, for the account of what each member saw. */
async function recordAccount(name: string, account: Record<string, unknown>): Promise<void> {
  const dir = join(REPO_ROOT, 'out');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `journal-${name}.json`), `${JSON.stringify(account, null, 2)}\n`);
  console.log(`[journal] ${name}: ${JSON.stringify(account, null, 2)}`);
}

describe('easel killed and restarted', () => {
  it('SIGKILL with one job painting and two waiting: after the restart each is run again or its member is told', async () => {
    const config = await setup('kill', { EASEL_LOG_LEVEL: 'debug' });
    const { standIn } = config;
    const [ada, bea, cal] = [user('ada'), user('bea'), user('cal')];
    const first = await start(config);
    await galleryKept(first, config);

    // ada: a slash command, long enough to be painting at the kill. bea: a preset reaction, in a thread.
    // cal: a slash command whose images the test then destroys, so it cannot be run again.
    const adaReply = await stylize(standIn, ada, 'great_wave', LONG);
    const photo = standIn.hostFile('tree.jpg', await sharedImage('content/kitten.jpg'), 'image/jpeg');
    const beaPost = standIn.postUserMessage(bea, standIn.channelId, 'my cat', [photo]);
    standIn.addReaction(bea, beaPost, '😱');
    const calReply = await stylize(standIn, cal, 'scream');
    const beaBefore = await waitFor("bea's place in line", () => botMessage(standIn, beaPost.id, bea, 'in line'));
    await waitFor("cal's place in line", () => texts(calReply).some((t) => t.includes("You're #2 in line")));
    await waitFor('ada to be painting', () => texts(adaReply).some((t) => t.includes('Painting…')));
    // Discord notes a status message in the journal just after posting it, so a member may see one a moment before
    // a crash would find it noted; the journal, locked while easel runs, says so in its debug log.
    await waitFor(
      'the three status messages to be noted',
      () => first.count("noted where the job's messages are") >= 3,
    );
    expect(await stop(first, 'SIGKILL')).toBeNull();

    const atKill = journalStates(config.dataDir, [ada, bea, cal]);
    expect(Object.fromEntries(Object.entries(atKill).map(([name, { state }]) => [name, state]))).toEqual({
      ada: 'running',
      bea: 'waiting',
      cal: 'waiting',
    });
    rmSync(join(config.dataDir, 'inputs', atKill.cal!.id), { recursive: true });

    const second = await start(config);
    expect(second.logged('jobs from before the restart accounted for')).toMatchObject({
      restored: 2,
      lost: 1,
      kept: 0,
    });
    const adaBack = await waitFor("ada's restored status", () => botMessage(standIn, standIn.channelId, ada, RESTORED));
    const beaBack = await waitFor("bea's restored status", () => botMessage(standIn, beaPost.id, bea, RESTORED));
    const calLost = await waitFor("cal's report", () =>
      botMessage(standIn, standIn.channelId, cal, "couldn't read this job's images back"),
    );
    // Each old status message, its Cancel button dead with the old process, now points to where the job went.
    await waitFor('the old status messages to point to the new ones', () =>
      [
        [adaReply, adaBack],
        [beaBefore, beaBack],
        [calReply, calLost],
      ].every(([old, now]) => old!.content.includes(now!.id)),
    );
    expect(adaReply.content).toMatch(/^easel restarted; this job carries on below: \S+$/);
    expect(beaBefore.content).toMatch(/^easel restarted; this job carries on below: \S+$/);
    expect(calReply.content).toMatch(/^easel restarted; what became of this job is below: \S+$/);
    for (const old of [adaReply, beaBefore, calReply]) {
      expect(old.components).toEqual([]);
      expect(old.attachments).toEqual([]);
    }
    // ada's result goes to a thread on the new status message; bea's to her thread, as before the restart.
    const adaResult = await waitFor("ada's result", () => resultFor(standIn, adaBack.id, ada), 120_000);
    const beaResult = await waitFor("bea's result", () => resultFor(standIn, beaPost.id, bea), 120_000);
    await waitFor('both status messages to say done', () => [adaBack, beaBack].every((m) => m.content.includes('✅')));

    const metrics = await second.metrics();
    expect(sample(metrics, 'easel_jobs_queued_total', { lane: 'gatys', platform: 'discord' })).toBe(2);
    expect(sample(metrics, 'easel_jobs_total', { outcome: 'done', platform: 'discord' })).toBe(2);
    expect(sample(metrics, 'easel_jobs_total', { outcome: 'failed', platform: 'discord' })).toBe(0);
    // The members' iterations only: the gallery came from the cache (galleryKept).
    expect(second.logged('presets gallery painted')).toBeUndefined();
    expect(sample(metrics, 'easel_iterations_total')).toBe(LONG + TINY_ITERATIONS);
    expect(sample(metrics, 'easel_job_duration_seconds_count', { outcome: 'done' })).toBe(2);
    expect(sample(metrics, 'easel_queue_depth', { lane: 'gatys' })).toBe(0);
    expect(sample(metrics, 'easel_platform_connected', { platform: 'discord' })).toBe(1);
    expect(metrics).toMatch(/^easel_engine_backend_info\{backend="[a-z-]+"\} 1$/m);
    expect(await stop(second, 'SIGTERM')).toBe(0);
    expect(journalStates(config.dataDir, [ada, bea, cal])).toEqual({});
    expect(readdirSync(join(config.dataDir, 'inputs'))).toEqual([]);

    await recordAccount('sigkill', {
      ada: { before: texts(adaReply), after: texts(adaBack), result: adaResult.content },
      bea: {
        before: texts(beaBefore),
        after: texts(beaBack),
        result: beaResult.content,
      },
      cal: { before: texts(calReply), after: texts(calLost) },
      metrics: metrics.split('\n').filter((line) => line.startsWith('easel_') && !line.includes('_bucket')),
    });
  });

  it('SIGTERM during a job: the members are told it will resume, easel exits 0, and after the restart both jobs finish', async () => {
    const config = await setup('term', { EASEL_SHUTDOWN_GRACE_MS: '0' });
    const { standIn } = config;
    const [ada, bea] = [user('ada'), user('bea')];
    const first = await start(config);
    const adaReply = await stylize(standIn, ada, 'great_wave', LONG);
    const beaReply = await stylize(standIn, bea, 'scream');
    await waitFor("bea's place in line", () => texts(beaReply).some((t) => t.includes('in line')));
    await waitFor('ada to be painting', () => texts(adaReply).some((t) => t.includes('Painting…')));

    expect(await stop(first, 'SIGTERM')).toBe(0);
    const resume = "I'm restarting. Your job is kept, and it will resume when I'm back.";
    expect(adaReply.content).toContain(resume);
    expect(beaReply.content).toContain(resume);
    expect(journalStates(config.dataDir, [ada, bea])).toEqual({
      ada: { id: expect.any(String), state: 'waiting' },
      bea: { id: expect.any(String), state: 'waiting' },
    });

    const second = await start(config);
    const adaBack = await waitFor("ada's restored status", () => botMessage(standIn, standIn.channelId, ada, RESTORED));
    const beaBack = await waitFor("bea's restored status", () => botMessage(standIn, standIn.channelId, bea, RESTORED));
    // ada's job was the one painting, so it goes back in first.
    expect(texts(adaBack)[0]).toContain('easel restarted; your job is back in line, #1');
    await waitFor("ada's old status to point to the new one", () => adaReply.content.includes(adaBack.id));
    await waitFor("ada's result", () => resultFor(standIn, adaBack.id, ada), 120_000);
    await waitFor("bea's result", () => resultFor(standIn, beaBack.id, bea), 120_000);
    expect(await stop(second, 'SIGTERM')).toBe(0);

    await recordAccount('sigterm', {
      ada: { before: texts(adaReply), after: texts(adaBack) },
      bea: { before: texts(beaReply), after: texts(beaBack) },
    });
  });

  it('starts with a damaged journal: moves it aside, says so, and is ready', async () => {
    const config = await setup('damaged');
    await mkdir(config.dataDir, { recursive: true });
    await writeFile(join(config.dataDir, 'journal.db'), 'SQLite format 3\0 but then the disk ate the rest');

    const easel = await start(config);
    const damaged = easel.logged('the job journal was damaged');
    expect(damaged).toMatchObject({ level: 50, lost: [] });
    expect(existsSync(String(damaged?.movedTo))).toBe(true);
    const ready = await fetch(`${easel.opsUrl}/readyz`);
    expect(await ready.json()).toEqual({
      ready: true,
      failing: [],
      checks: { engine: true, discord: true, journal: true },
    });
    expect(await stop(easel, 'SIGTERM')).toBe(0);

    // And again: the fresh journal it made opens cleanly, with nothing moved aside a second time.
    const again = await start(config);
    expect(again.logged('damaged')).toBeUndefined();
    expect(readdirSync(config.dataDir).filter((name) => name.includes('.corrupt-'))).toHaveLength(1);
    expect(await stop(again, 'SIGTERM')).toBe(0);
  });
});
