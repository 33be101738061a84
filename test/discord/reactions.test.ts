import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StyleEngine } from '../../src/engine/index.js';
import { legacySlotEngine } from '../../src/jobs/slot-engine.js';
import type { StoredMessage } from '../standins/discord/server.js';
import { LEAKS, cleanScratch, sharedImage, startBot, startTinyEngine, texts, user, waitFor, type Bot } from './harness.js';

let engine: StyleEngine;
let bot: Bot;

beforeAll(async () => {
  engine = await startTinyEngine();
  bot = await startBot(legacySlotEngine(engine));
});

afterAll(async () => {
  await bot?.stop();
  await engine?.close();
  await cleanScratch();
});

function results(threadId: string): StoredMessage[] {
  return bot.standIn.messagesIn(threadId).filter((message) => message.attachments.some((a) => a.filename === 'result.png'));
}

describe('preset reactions', () => {
  it('paints an image in a preset when its emoji is added, once however often it is added', async () => {
    const { standIn } = bot;
    const photo = standIn.hostFile('robin.jpg', await sharedImage('content/robin.jpg'), 'image/jpeg');
    const poster = user('olivia');
    const message = standIn.postUserMessage(poster, standIn.channelId, 'look at this bird', [photo]);
    const embedded = standIn.postUserMessage(poster, standIn.channelId, 'and this link', [], [
      { type: 'image', url: photo.url, image: { url: photo.url, proxy_url: photo.proxy_url, width: 64, height: 64 } },
    ]);
    const textOnly = standIn.postUserMessage(poster, standIn.channelId, 'no pictures here');

    const [peggy, rupert] = [user('peggy'), user('rupert')];
    standIn.addReaction(peggy, message, '🌊');
    standIn.addReaction(rupert, message, '🌊');
    standIn.addReaction(peggy, message, '🌊');
    standIn.addReaction(peggy, message, '👍');
    standIn.addReaction(peggy, textOnly, '🌊');
    // Queued after everything above, so by the time it is done any duplicate would have been painted first.
    standIn.addReaction(rupert, embedded, '😱️');

    const last = await waitFor('the embed to be painted', () => results(embedded.id)[0]);
    expect(last.content).toContain('The Scream (Munch) · 48 px');
    expect(last.content).toContain(`<@${rupert.id}>`);

    expect(message.thread?.id).toBe(message.id);
    const painted = results(message.id);
    expect(painted).toHaveLength(1);
    expect(painted[0]!.content).toContain('The Great Wave (Hokusai) · 48 px');
    expect(painted[0]!.content).toContain(`<@${peggy.id}>`);
    const png = standIn.file(painted[0]!.attachments[0]!);
    expect((await sharp(png.bytes).metadata()).width).toBe(48);
    expect(textOnly.thread).toBeUndefined();

    const statuses = standIn.messagesIn(message.id).filter((m) => m.history.some((state) => state.content.includes('Fetching the picture')));
    expect(statuses).toHaveLength(1);
    await waitFor('the status to say it is done', () => statuses[0]!.content.includes('Done in'));
    for (const text of texts(statuses[0]!)) expect(text).not.toMatch(LEAKS);
  });

  it('says what is wrong with an image it cannot paint, in the thread', async () => {
    const { standIn } = bot;
    const jpeg = await sharedImage('content/tubingen.jpg');
    const broken = standIn.hostFile('broken.jpg', jpeg.subarray(0, jpeg.length / 2), 'image/jpeg');
    const message = standIn.postUserMessage(user('sybil'), standIn.channelId, 'oops', [broken]);
    standIn.addReaction(user('trent'), message, '🌊');
    const status = await waitFor('the status in the thread', () => standIn.messagesIn(message.id)[0]);
    await waitFor('the explanation', () => status.content.includes('The image is damaged or cut short'));
  });
});
