import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readRemixId, remixId, type RemixAction } from '../../src/jobs/remix/index.js';
import { strengthFactor } from '../../src/options/index.js';
import type { FeedForwardEngine } from '../../src/engine/feedforward/index.js';
import { ControlledEngine } from '../jobs/controlled-engine.js';
import { startNetworkEngine, TEST_PRESETS } from '../presets/support.js';
import { buttonClick } from '../standins/slack/envelopes.js';
import { startSlackStandIn, type ApiCall, type SlackStandIn, type StoredMessage } from '../standins/slack/server.js';
import { command, painting, photo, postJpeg, startBot, type Bot, type BotOptions } from './harness.js';

/**
 * The remix buttons on Slack: the finished job's status message carries them (a file upload cannot), a press queues
 * the new job in the same thread, and refusals go to the presser alone.
 */

let dataDir: string;
const bots: Array<Bot<ControlledEngine>> = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'easel-slack-remix-'));
});

afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.stop();
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function start(options: BotOptions = {}): Promise<Bot<ControlledEngine>> {
  const bot = await startBot(new ControlledEngine(), { remix: { dataDir, newSeed: () => 99 }, ...options });
  bots.push(bot);
  return bot;
}

/** Posts a photo and a painting for `user` and paints them; returns the thread and the finished status message. */
async function paintOne(bot: Bot<ControlledEngine>, user: string): Promise<{ thread: StoredMessage; status: ApiCall }> {
  const { slack, engine } = bot;
  postJpeg(slack, user, 'C1', await photo('tubingen.jpg', 40));
  const thread = postJpeg(slack, user, 'C1', await painting('munch_the_scream.jpg', 40));
  await command(slack, user, 'C1', '');
  (await engine.nextRun()).finish();
  await slack.waitForUpload((upload) => upload.threadTs === thread.ts);
  const status = await slack.waitForCall('chat.update', (call) => remixActions(call).length > 0);
  return { thread, status };
}

/** The remix buttons' action ids on a status message, in order. */
function remixActions(call: ApiCall): string[] {
  const ids = [...JSON.stringify(call.args.blocks ?? '').matchAll(/"action_id":"([^"]+)"/g)].map((m) => m[1]!);
  return ids.filter((id) => readRemixId(id) !== undefined);
}

function click(slack: SlackStandIn, user: string, status: ApiCall, threadTs: string, action: RemixAction): void {
  const jobId = readRemixId(remixActions(status)[0]!)!.jobId;
  void slack.send(
    'interactive',
    buttonClick({
      user,
      channel: 'C1',
      messageTs: String(status.args.ts),
      threadTs,
      actionId: remixId(action, jobId),
      value: jobId,
      responseUrl: slack.responseUrl(),
    }),
  );
}

describe('remix buttons on Slack', () => {
  it('are on the finished status, and each press paints its one change in the same thread', async () => {
    const bot = await start();
    const { slack, engine } = bot;
    const { thread, status } = await paintOne(bot, 'U1');
    expect(String(status.args.text)).toMatch(/Done in .*\nMade with your style image · strength 5 · size 32/);
    const labels = [
      ...JSON.stringify(status.args.blocks).matchAll(
        /"text":"([^"]+)","type":"plain_text"|"plain_text","text":"([^"]+)"/g,
      ),
    ];
    expect(remixActions(status).map((id) => readRemixId(id)!.action)).toEqual([
      'more',
      'less',
      'colours',
      'bigger',
      'variation',
    ]);
    expect(labels.length).toBeGreaterThan(0);
    const original = engine.runs[0]!.request.options;

    click(slack, 'U1', status, thread.ts, 'more');
    const more = await engine.nextRun();
    expect(more.request.options.styleWeight).toBeCloseTo(original.styleWeight * strengthFactor(7), 12);
    expect({ ...more.request.options, styleWeight: 0 }).toEqual({ ...original, styleWeight: 0 });
    await slack.waitForCall('chat.postMessage', (call) => call.args.thread_ts === thread.ts && call !== status);
    more.finish();
    const upload = await slack.waitForUpload(
      (u) => u.threadTs === thread.ts && (u.comment ?? '').includes('strength 7'),
    );
    expect(upload.comment).toMatch(/^<@U1> here you go!\nMade with your style image · strength 7 · /);

    click(slack, 'U1', status, thread.ts, 'variation');
    const variation = await engine.nextRun();
    expect(variation.request.options).toEqual({ ...original, init: 'noise', seed: 99 });
    variation.finish();
  });

  it("tells someone else, privately, to start their own; and says when a job's inputs have gone", async () => {
    let now = Date.now();
    const bot = await start({ remix: { dataDir, keepMs: 60_000, now: () => now } });
    const { slack, engine } = bot;
    const { thread, status } = await paintOne(bot, 'U1');
    click(slack, 'U2', status, thread.ts, 'more');
    const refusal = await slack.waitForCall('chat.postEphemeral');
    expect(refusal.args).toMatchObject({ user: 'U2', text: 'Start your own with /stylize.' });

    now += 61_000;
    click(slack, 'U1', status, thread.ts, 'more');
    const expired = await slack.waitForCall('chat.postEphemeral', (call) => call.args.user === 'U1');
    expect(expired.args.text).toBe('That one is too old to remix; run /stylize again.');
    expect(engine.runs).toHaveLength(1);
  });

  it("posts a style network's result with Bigger and Paint it properly, which paints the preset's painting", async () => {
    let network: FeedForwardEngine | undefined;
    try {
      network = await startNetworkEngine();
      const bot = await start({ networkEngine: network, presets: TEST_PRESETS });
      const { slack, engine } = bot;
      const thread = postJpeg(slack, 'U4', 'C1', await photo('kitten.jpg', 40));
      await command(slack, 'U4', 'C1', 'wave');
      const upload = await slack.waitForUpload((u) => u.threadTs === thread.ts);
      expect(upload.comment).toMatch(/Made with preset wave · style network · size 32/);
      const status = await slack.waitForCall('chat.postMessage', (call) => remixActions(call).length > 0);
      expect(status.args.thread_ts).toBe(thread.ts);
      expect(remixActions(status).map((id) => readRemixId(id)!.action)).toEqual(['bigger', 'paint']);

      const posted = { ...status, args: { ...status.args, ts: status.result?.ts } };
      click(slack, 'U4', posted, thread.ts, 'paint');
      const run = await engine.nextRun();
      expect(run.request.styles).toHaveLength(1);
      run.finish();
      const painted = await slack.waitForUpload((u) => (u.comment ?? '').includes('strength 5'));
      expect(painted.threadTs).toBe(thread.ts);
      expect(painted.comment).toMatch(/Made with preset wave · strength 5 · size 32/);
    } finally {
      for (const bot of bots.splice(0)) await bot.stop();
      await network?.close();
    }
  });

  it('works after a restart, on a new queue and connection over the same data directory', async () => {
    const slack = await startSlackStandIn();
    try {
      const first = await start({ slack });
      const { thread, status } = await paintOne(first, 'U3');
      await first.stop();
      bots.splice(bots.indexOf(first), 1);

      const second = await start({ slack });
      click(slack, 'U3', status, thread.ts, 'colours');
      const run = await second.engine.nextRun();
      expect(run.request.options.preserveColors).toBe(true);
      run.finish();
      await slack.waitForUpload((u) => u.threadTs === thread.ts && (u.comment ?? '').includes('preserve_colors yes'));
    } finally {
      for (const bot of bots.splice(0)) await bot.stop();
      await slack.close();
    }
  });
});
