import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FeedForwardEngine } from '../../src/engine/feedforward/index.js';
import { DEFAULT_OPTIONS } from '../../src/engine/options.js';
import { ControlledEngine } from '../jobs/controlled-engine.js';
import type { CommandOption, StandInUser, StoredAttachment, StoredMessage } from '../standins/discord/server.js';
import {
  cleanScratch,
  LEAKS,
  resultsIn,
  sharedImage,
  startBot,
  texts,
  user,
  waitFor,
  type Bot,
} from '../discord/harness.js';
import { startNetworkEngine, TEST_PRESETS } from './support.js';

/**
 * Presets against the Discord stand-in: Gatys jobs on a ControlledEngine (so "a long job" lasts exactly as long as
 * the test says), style networks on the real feed-forward engine at 48 px.
 */

let network: FeedForwardEngine;
let engine: ControlledEngine;
let bot: Bot;

beforeAll(async () => {
  network = await startNetworkEngine();
});
afterAll(async () => {
  await network.close();
  await cleanScratch();
});
beforeEach(async () => {
  engine = new ControlledEngine();
  bot = await startBot(engine, { networkEngine: network, presets: TEST_PRESETS });
});
afterEach(async () => {
  await bot.stop();
  expect(engine.misuse).toEqual([]);
});

async function photo(path = 'content/robin.jpg'): Promise<StoredAttachment> {
  return bot.standIn.hostFile(path.split('/').pop()!, await sharedImage(path), 'image/jpeg');
}

async function photoMessage(poster: StandInUser): Promise<StoredMessage> {
  return bot.standIn.postUserMessage(poster, bot.standIn.channelId, 'look', [await photo()]);
}

const content = (attachment: StoredAttachment): CommandOption => ({ name: 'content', type: 11, value: attachment.id });
const preset = (value: string): CommandOption => ({ name: 'preset', type: 3, value });

async function pngSize(message: StoredMessage, name: string): Promise<[number, number]> {
  const attachment = message.attachments.find((a) => a.filename === name)!;
  const { width, height } = await sharp(bot.standIn.file(attachment).bytes).metadata();
  return [width, height];
}

describe('/stylize preset:', () => {
  it('paints with the preset’s network and puts the result on the reply, with nothing in between', async () => {
    const { standIn } = bot;
    const picture = await photo('content/kitten.jpg');
    const sent = standIn.sendCommand(user('amy'), 'stylize', [content(picture), preset('wave')], [picture]);
    const reply = await waitFor('the result on the reply', () => {
      const found = standIn.originalResponse(sent);
      return found?.attachments.some((a) => a.filename === 'result.png') && found;
    });
    expect(reply.content).toMatch(
      /^🎨 \*\*The Great Wave\*\* for <@\d+>\n✅ Here it is!\nMade with preset wave · style network · size 48 · /,
    );
    // The deferred reply, then the result: no place in line, no progress.
    expect(texts(reply).filter((text) => text !== '')).toHaveLength(1);
    expect(await pngSize(reply, 'result.png')).toEqual([48, 32]);
    expect(reply.thread).toBeUndefined();
    expect(engine.runs).toEqual([]);
  });

  it('paints the painting instead when asked for more than a size, and refuses that for a network alone', async () => {
    const { standIn } = bot;
    const picture = await photo();
    const iterations: CommandOption = { name: 'iterations', type: 4, value: 5 };
    standIn.sendCommand(user('ben'), 'stylize', [content(picture), preset('wave'), iterations], [picture]);
    const run = await engine.nextRun();
    expect(run.request.options).toMatchObject({ iterations: 5, styleWeight: DEFAULT_OPTIONS.styleWeight });
    run.finish();

    const refused = standIn.sendCommand(
      user('cat'),
      'stylize',
      [content(picture), preset('udnie'), iterations],
      [picture],
    );
    const answer = await waitFor('the refusal', () => standIn.interactionCallbacks.get(refused.token));
    expect(answer.body).toMatchObject({ data: { content: 'Udnie is a style network, so only `size` applies to it.' } });
  });

  it('suggests presets as the member types, by name, id, Slack name or emoji', async () => {
    const { standIn } = bot;
    const ask = async (value: string) => {
      const sent = standIn.sendAutocomplete(user('dan'), 'stylize', { name: 'preset', type: 3, value });
      return waitFor('the suggestions', () => standIn.autocompleteChoices(sent));
    };
    expect(await ask('')).toEqual([
      { name: '🌊 The Great Wave', value: 'wave' },
      { name: '💃 Udnie', value: 'udnie' },
      { name: '🌌 The Starry Night', value: 'starry_night' },
    ]);
    expect(await ask('star')).toEqual([{ name: '🌌 The Starry Night', value: 'starry_night' }]);
    expect(await ask('dancer')).toEqual([{ name: '💃 Udnie', value: 'udnie' }]);
    expect(await ask('🌊')).toEqual([{ name: '🌊 The Great Wave', value: 'wave' }]);
    expect(await ask('mona lisa')).toEqual([]);
  });
});

describe('preset reactions', () => {
  it('answer with the network’s result alone in a thread on the message', async () => {
    const { standIn } = bot;
    const message = await photoMessage(user('eve'));
    const fay = user('fay');
    standIn.addReaction(fay, message, '💃');
    const result = await waitFor('the result in the thread', () => resultsIn(standIn, message.id)[0]);
    expect(result.content).toMatch(
      new RegExp(`^<@${fay.id}>, here's your painting!\nMade with preset udnie · style network · size 48 · `),
    );
    expect(await pngSize(result, 'result.png')).toEqual([48, 48]);
    // The thread holds the result and nothing else: no status message.
    expect(standIn.messagesIn(message.id)).toEqual([result]);
    for (const text of texts(result)) expect(text).not.toMatch(LEAKS);
  });

  it('are answered while a long Gatys job paints, before it ends', async () => {
    const { standIn } = bot;
    const picture = await photo('content/tubingen.jpg');
    const style = await photo('styles/vangogh_starry_night.jpg');
    const styleOption: CommandOption = { name: 'style', type: 11, value: style.id };
    standIn.sendCommand(
      user('gus'),
      'stylize',
      [content(picture), styleOption, { name: 'iterations', type: 4, value: 500 }],
      [picture, style],
    );
    const long = await engine.nextRun();
    long.progress(10);

    const message = await photoMessage(user('hal'));
    standIn.addReaction(user('ida'), message, '🌊');
    await waitFor('the preset result', () => resultsIn(standIn, message.id)[0]);
    expect(long.settled).toBe(false);
    expect(engine.runs).toHaveLength(1);
    long.finish();
  });

  it('paint a preset that has only a painting on the Gatys engine, with its status', async () => {
    const { standIn } = bot;
    const message = await photoMessage(user('jo'));
    standIn.addReaction(user('kim'), message, '🌌');
    const run = await engine.nextRun();
    const status = await waitFor('the status', () =>
      standIn.messagesIn(message.id).find((m) => m.content.includes('Starting to paint')),
    );
    run.finish();
    await waitFor('the result', () => resultsIn(standIn, message.id)[0]);
    await waitFor('the status to say it is done', () => status.content.includes('✅ Done in'));
  });
});

describe('/presets', () => {
  it('posts one picture of every preset on the sample photo, with the credits', async () => {
    const { standIn } = bot;
    const sent = standIn.sendCommand(user('lou'), 'presets', []);
    // The painting-only preset's tile is a Gatys job like any other.
    const tile = await engine.nextRun();
    expect(tile.request.options.size).toBe(64);
    tile.finish();
    const reply = await waitFor('the gallery', () => {
      const found = standIn.originalResponse(sent);
      return found !== undefined && found.attachments.length > 0 ? found : undefined;
    });
    expect(reply.attachments.map((a) => a.filename)).toEqual(['presets.png']);
    // Three tiles in two rows of two, each 256 px wide and shaped like the kitten photo's 48 px result (48×32,
    // so 171 px high), over a 36 px label; 8 px between them.
    expect(await pngSize(reply, 'presets.png')).toEqual([2 * 256 + 3 * 8, 2 * (171 + 36) + 3 * 8]);
    expect(reply.content.split('\n').slice(1)).toEqual([
      '🌊 **The Great Wave**: The Great Wave off Kanagawa, Katsushika Hokusai, c. 1831',
      '💃 **Udnie**: style network trained on a painting by Francis Picabia',
      '🌌 **The Starry Night**: The Starry Night, Vincent van Gogh, 1889',
    ]);

    // Made once: a second ask is answered from memory, with no new jobs.
    const again = standIn.sendCommand(user('max'), 'presets', []);
    await waitFor('the gallery again', () => standIn.originalResponse(again)?.attachments.length);
    expect(engine.runs).toHaveLength(1);
  });
});
