import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { FeedForwardEngine } from '../../src/engine/feedforward/index.js';
import { ControlledEngine } from '../jobs/controlled-engine.js';
import { command, LEAKS, everythingSaid, painting, photo, postJpeg, startBot, type Bot } from '../slack/harness.js';
import { reactionAdded } from '../standins/slack/envelopes.js';
import { startNetworkEngine, TEST_PRESETS } from './support.js';

/**
 * Presets against the Slack stand-in: Gatys jobs on a ControlledEngine, style networks on the real feed-forward
 * engine at 48 px (the bot's own size limit here is 64, its default size 32).
 */

let network: FeedForwardEngine;
let bot: Bot<ControlledEngine>;

beforeAll(async () => {
  network = await startNetworkEngine();
});
afterAll(async () => {
  await network.close();
});
beforeEach(async () => {
  bot = await startBot(new ControlledEngine(), { networkEngine: network, presets: TEST_PRESETS });
});
afterEach(async () => {
  const said = everythingSaid(bot.slack);
  await bot.stop();
  expect(said.filter((text) => LEAKS.test(text))).toEqual([]);
  expect(bot.engine.misuse).toEqual([]);
});

async function sizeOf(bytes: Uint8Array): Promise<[number, number]> {
  const { width, height } = await sharp(bytes).metadata();
  return [width, height];
}

describe('presets in Slack', () => {
  test('/stylize preset=<id> paints the newest image with the network and posts only the result', async () => {
    const { slack } = bot;
    const picture = postJpeg(slack, 'U1', 'C1', await photo('kitten.jpg', 48));
    await command(slack, 'U1', 'C1', 'preset=wave size=48');
    const upload = await slack.waitForUpload();
    expect(upload.threadTs).toBe(picture.ts);
    expect(upload.comment).toMatch(/^<@U1> here you go!\nMade with preset wave · style network · size 48 · .* s$/);
    expect(await sizeOf(upload.bytes)).toEqual([48, 32]);
    expect(slack.callsOf('chat.postMessage')).toEqual([]);
    expect(bot.engine.runs).toEqual([]);
  });

  test('a preset reaction goes through the network, and is answered while a long Gatys job paints', async () => {
    const { slack, engine } = bot;
    postJpeg(slack, 'U1', 'C1', await photo('tubingen.jpg', 48));
    postJpeg(slack, 'U1', 'C1', await painting('vangogh_starry_night.jpg', 40));
    await command(slack, 'U1', 'C1', 'iterations=400');
    const long = await engine.nextRun();

    const picture = postJpeg(slack, 'U2', 'C1', await photo('robin.jpg', 40));
    await slack.send(
      'events_api',
      reactionAdded({ user: 'U3', channel: 'C1', ts: picture.ts, reaction: 'dancer', itemUser: 'U2' }),
    );
    const upload = await slack.waitForUpload();
    expect(upload.threadTs).toBe(picture.ts);
    expect(upload.comment).toContain('<@U3>');
    expect(upload.comment).toContain('Made with preset udnie · style network · size 32');
    expect(long.settled).toBe(false);
    // Only the long job's own status message; the preset posted nothing but its result.
    expect(slack.callsOf('chat.postMessage')).toHaveLength(1);
    long.finish();
    await slack.waitForUpload((u) => u !== upload);
  });

  test('/stylize presets uploads the gallery, one picture, with the credits', async () => {
    const { slack, engine } = bot;
    await command(slack, 'U1', 'C1', 'presets');
    (await engine.nextRun()).finish();
    const upload = await slack.waitForUpload();
    expect(upload.channel).toBe('C1');
    expect(upload.comment?.split('\n')).toEqual([
      expect.stringMatching(/^<@U1> here are my presets\./),
      ':ocean: *The Great Wave*: The Great Wave off Kanagawa, Katsushika Hokusai, c. 1831',
      ':dancer: *Udnie*: style network trained on a painting by Francis Picabia',
      ':milky_way: *The Starry Night*: The Starry Night, Vincent van Gogh, 1889',
    ]);
    const [width] = await sizeOf(upload.bytes);
    expect(width).toBe(2 * 256 + 3 * 8);
    expect(slack.uploads).toHaveLength(1);
  });
});
