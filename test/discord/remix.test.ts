import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StylizeOptions } from '../../src/engine/types.js';
import { strengthFactor } from '../../src/options/index.js';
import type { FeedForwardEngine } from '../../src/engine/feedforward/index.js';
import { ControlledEngine, type ControlledRun } from '../jobs/controlled-engine.js';
import { startNetworkEngine, TEST_PRESETS } from '../presets/support.js';
import {
  DiscordStandIn,
  type SentInteraction,
  type StandInUser,
  type StoredMessage,
} from '../standins/discord/server.js';
import { cleanScratch, resultsIn, sharedImage, startBot, user, waitFor, type Bot, type BotOptions } from './harness.js';

/**
 * The remix buttons under a result, pressed through a real discord.js client against the stand-in: each queues the
 * right job with one change, only for the member who asked, through the queue's limits, after a restart too.
 */

let dataDir: string;
let engine: ControlledEngine;
const bots: Bot[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'easel-remix-'));
});

afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.stop();
  await engine?.close();
});

afterAll(async () => {
  await cleanScratch();
  await rm(dataDir, { recursive: true, force: true });
});

async function start(options: BotOptions = {}): Promise<Bot> {
  engine = new ControlledEngine();
  const bot = await startBot(engine, { remix: { dataDir, newSeed: () => 4242 }, ...options });
  bots.push(bot);
  return bot;
}

interface Button {
  readonly custom_id: string;
  readonly label: string;
}

function buttonsOn(message: StoredMessage): Button[] {
  return (message.components as Array<{ components: Button[] }>).flatMap((row) => row.components);
}

function buttonId(message: StoredMessage, label: string): string {
  const found = buttonsOn(message).find((button) => button.label === label);
  if (!found) throw new Error(`no "${label}" button on: ${message.content}`);
  return found.custom_id;
}

/** Runs /stylize with a photo and a style image and returns the result message in its thread, once painted. */
async function paintOne(
  bot: Bot,
  who: StandInUser,
  photo = 'robin.jpg',
  side = 64,
): Promise<{ result: StoredMessage; run: ControlledRun }> {
  const { standIn } = bot;
  const content = standIn.hostFile(photo, await sharedImage(`content/${photo}`, side), 'image/jpeg');
  const style = standIn.hostFile('wave.jpg', await sharedImage('styles/hokusai_great_wave.jpg'), 'image/jpeg');
  const options = [
    { name: 'content', type: 11, value: content.id },
    { name: 'style', type: 11, value: style.id },
  ];
  const sent = standIn.sendCommand(who, 'stylize', options, [content, style]);
  const run = await engine.nextRun();
  run.finish();
  const reply = await waitFor('the reply', () => standIn.originalResponse(sent));
  const thread = await waitFor(
    'the reply to point to the thread',
    () => /in the thread: <#(\d+)>/.exec(reply.content)?.[1],
  );
  const result = await waitFor('the result in its thread', () => resultsIn(standIn, thread).at(-1));
  return { result, run };
}

/** Presses a button and returns the interaction, once the bot has answered it. */
async function press(bot: Bot, who: StandInUser, message: StoredMessage, label: string): Promise<SentInteraction> {
  const sent = bot.standIn.clickButton(who, message, buttonId(message, label));
  await waitFor('the answer to the press', () => bot.standIn.interactionCallbacks.get(sent.token));
  return sent;
}

/** The private answer to a press. */
function privateAnswer(bot: Bot, sent: SentInteraction): string {
  const callback = bot.standIn.interactionCallbacks.get(sent.token)!;
  const data = callback.body?.data as { content: string; flags: number };
  expect(callback.type).toBe(4);
  expect(data.flags & 64).toBe(64);
  return data.content;
}

/** The options that differ between two runs' requests. */
function changes(before: StylizeOptions, after: StylizeOptions): Partial<StylizeOptions> {
  const keys = Object.keys(after) as Array<keyof StylizeOptions>;
  return Object.fromEntries(
    keys.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key])).map((key) => [key, after[key]]),
  );
}

describe('remix buttons on Discord', () => {
  it('each queues the right job with its one change, answered in the same thread, with buttons of its own', async () => {
    const bot = await start();
    const alice = user('alice');
    const { result, run: original } = await paintOne(bot, alice);
    expect(result.content).toMatch(/Made with your style image · strength 5 · size 48 · seed 0 · iterations 8 · /);
    expect(buttonsOn(result).map((button) => button.label)).toEqual([
      'More style',
      'Less style',
      'Keep colours',
      'Bigger',
      'Variation',
    ]);
    const base = original.request.options;
    const expected: Array<[string, Partial<StylizeOptions>, string]> = [
      ['More style', { styleWeight: base.styleWeight * strengthFactor(7) }, 'strength 7'],
      ['Less style', { styleWeight: base.styleWeight * strengthFactor(3) }, 'strength 3'],
      ['Keep colours', { preserveColors: true }, 'preserve_colors yes'],
      // The harness caps sizes at 64 px: Bigger goes to the cap.
      ['Bigger', { size: 64 }, 'size 64'],
      ['Variation', { init: 'noise', seed: 4242 }, 'seed 4242'],
    ];
    const thread = result.channel_id;
    for (const [label, change, madeWith] of expected) {
      const sent = await press(bot, alice, result, label);
      const run = await engine.nextRun();
      const changed = changes(base, run.request.options);
      expect(Object.keys(changed).sort()).toEqual(Object.keys(change).sort());
      for (const [key, value] of Object.entries(change)) {
        const got = changed[key as keyof StylizeOptions];
        if (typeof value === 'number') expect(got).toBeCloseTo(value, 12);
        else expect(got).toEqual(value);
      }
      // Same photo and painting, no upload.
      expect(run.request.content.data).toEqual(original.request.content.data);
      expect(run.request.styles[0]!.data).toEqual(original.request.styles[0]!.data);
      const status = await waitFor('the public status in the thread', () => bot.standIn.originalResponse(sent));
      expect(status.channel_id).toBe(thread);
      run.finish();
      const remixed = await waitFor(`the ${label} result in the same thread`, () =>
        resultsIn(bot.standIn, thread).find((message) => message.content.includes(madeWith)),
      );
      expect(buttonsOn(remixed).length).toBeGreaterThan(0);
    }
    // The 64 px upload was kept at 64 px, not at the 48 px job's size, so the Bigger remix painted the photo itself
    // rather than an upscaled copy.
    expect([original.request.content.width, original.request.content.height]).toContain(64);
    // Bigger is at the cap now: its result has no Bigger button.
    const bigger = resultsIn(bot.standIn, thread).find((message) => message.content.includes('size 64'))!;
    expect(buttonsOn(bigger).map((button) => button.label)).not.toContain('Bigger');
    const more = resultsIn(bot.standIn, thread).find((message) => message.content.includes('strength 7'))!;
    const evenMore = await press(bot, alice, more, 'More style');
    expect(bot.standIn.interactionCallbacks.get(evenMore.token)?.type).toBe(5);
    const run = await engine.nextRun();
    expect(run.request.options.styleWeight).toBeCloseTo(base.styleWeight * strengthFactor(9), 12);
    run.finish();
  });

  it("refuses someone else's press privately, and counts remixes against the member's limit", async () => {
    const bot = await start();
    const [bob, mallory] = [user('bob'), user('mallory')];
    const { result } = await paintOne(bot, bob);
    expect(privateAnswer(bot, await press(bot, mallory, result, 'More style'))).toBe('Start your own with /stylize.');
    expect(engine.runs).toHaveLength(1);

    // Two remixes fill bob's two places in line; a third is refused like a third /stylize.
    await press(bot, bob, result, 'More style');
    await press(bot, bob, result, 'Less style');
    const third = await press(bot, bob, result, 'Variation');
    expect(privateAnswer(bot, third)).toBe(
      'You already have 2 jobs in line. Wait for one to finish (or cancel one), then try again.',
    );
    (await engine.nextRun()).finish();
    (await engine.nextRun()).finish();
    await waitFor('both remixes done', () => bot.queue.running + bot.queue.waiting === 0);
  });

  it('works after a restart: a new queue and client over the same data directory', async () => {
    const standIn = await DiscordStandIn.start();
    try {
      const first = await start({ standIn });
      const carol = user('carol');
      const { result, run: original } = await paintOne(first, carol);
      await first.stop();
      bots.splice(bots.indexOf(first), 1);
      await engine.close();

      const second = await start({ standIn });
      await press(second, carol, result, 'Keep colours');
      const run = await engine.nextRun();
      expect(changes(original.request.options, run.request.options)).toEqual({ preserveColors: true });
      run.finish();
      await waitFor('the remix in the same thread', () =>
        resultsIn(standIn, result.channel_id).some((message) => message.content.includes('preserve_colors yes')),
      );
      // The photo's thread is remembered across the restart too: the same photo again goes into it.
      const { result: again } = await paintOne(second, carol, 'robin.jpg', 56);
      expect(again.channel_id).toBe(result.channel_id);
    } finally {
      for (const bot of bots.splice(0)) await bot.stop();
      await standIn.close();
    }
  });

  it("offers Paint it properly on a style network's result, which paints the preset's painting in the same thread", async () => {
    let network: FeedForwardEngine | undefined;
    try {
      network = await startNetworkEngine();
      const bot = await start({ networkEngine: network, presets: TEST_PRESETS });
      const erin = user('erin');
      const { standIn } = bot;
      const photo = standIn.hostFile('kitten.jpg', await sharedImage('content/kitten.jpg'), 'image/jpeg');
      const posted = standIn.postUserMessage(erin, standIn.channelId, 'my cat', [photo]);
      standIn.addReaction(erin, posted, '🌊');
      const result = await waitFor('the network result', () => resultsIn(standIn, posted.id)[0]);
      expect(result.content).toContain('Made with preset wave · style network · size 48');
      expect(buttonsOn(result).map((button) => button.label)).toEqual(['Bigger', 'Paint it properly']);

      await press(bot, erin, result, 'Paint it properly');
      const run = await engine.nextRun();
      expect(run.request.styles).toHaveLength(1);
      expect(run.request.options.size).toBe(48);
      run.finish();
      const painted = await waitFor('the painting in the same thread', () =>
        resultsIn(standIn, posted.id).find((message) => message.content.includes('strength 5')),
      );
      expect(painted.content).toMatch(
        /^<@\d+>, here's your painting!\nMade with preset wave · strength 5 · size 48 · /,
      );
      expect(buttonsOn(painted).map((button) => button.label)).toContain('More style');
    } finally {
      for (const bot of bots.splice(0)) await bot.stop();
      await network?.close();
    }
  });

  it('puts /stylize with the same photo again into that photo’s thread, and another photo into a new one', async () => {
    const bot = await start();
    const fay = user('fay');
    const { result: first } = await paintOne(bot, fay);
    // The same photo uploaded again, smaller: the same thread.
    const { result: again } = await paintOne(bot, fay, 'robin.jpg', 56);
    expect(again.channel_id).toBe(first.channel_id);
    expect(resultsIn(bot.standIn, first.channel_id)).toHaveLength(2);
    const { result: other } = await paintOne(bot, fay, 'kitten.jpg');
    expect(other.channel_id).not.toBe(first.channel_id);
    // Someone else's copy of the photo gets a thread of its own.
    const { result: theirs } = await paintOne(bot, user('gus'));
    expect(theirs.channel_id).not.toBe(first.channel_id);
  });

  it('answers a press on a result whose inputs have expired, privately and clearly', async () => {
    let now = Date.now();
    const bot = await start({ remix: { dataDir, keepMs: 60_000, now: () => now } });
    const dave = user('dave');
    const { result } = await paintOne(bot, dave);
    now += 61_000;
    expect(privateAnswer(bot, await press(bot, dave, result, 'Variation'))).toBe(
      'That one is too old to remix; run /stylize again.',
    );
    expect(engine.runs).toHaveLength(1);
  });
});
