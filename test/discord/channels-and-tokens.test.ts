import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StyleEngine } from '../../src/engine/index.js';
import { legacySlotEngine } from '../../src/jobs/slot-engine.js';
import type { StoredAttachment, StoredMessage } from '../standins/discord/server.js';
import { cleanScratch, sharedImage, startBot, startTinyEngine, user, waitFor, type Bot } from './harness.js';

let engine: StyleEngine;
const bots: Bot[] = [];

beforeAll(async () => {
  engine = await startTinyEngine();
});

afterAll(async () => {
  await Promise.all(bots.map((bot) => bot.stop()));
  await engine?.close();
  await cleanScratch();
});

async function images(bot: Bot): Promise<[StoredAttachment, StoredAttachment]> {
  return [
    bot.standIn.hostFile('kitten.jpg', await sharedImage('content/kitten.jpg'), 'image/jpeg'),
    bot.standIn.hostFile('wave.jpg', await sharedImage('styles/hokusai_great_wave.jpg'), 'image/jpeg'),
  ];
}

function options(content: StoredAttachment, style: StoredAttachment, iterations: number) {
  return [
    { name: 'content', type: 11, value: content.id },
    { name: 'style', type: 11, value: style.id },
    { name: 'iterations', type: 4, value: iterations },
  ];
}

function results(bot: Bot, threadId: string): StoredMessage[] {
  return bot.standIn.messagesIn(threadId).filter((message) => message.attachments.some((a) => a.filename === 'result.png'));
}

describe('the channel allow-list', () => {
  it('works only in the listed channels and politely says where', async () => {
    const bot = await startBot(legacySlotEngine(engine), { channels: (standIn) => [standIn.channelId] });
    bots.push(bot);
    const { standIn } = bot;
    const [content, style] = await images(bot);

    const sent = standIn.sendCommand(user('uma'), 'stylize', options(content, style, 4), [content, style], standIn.otherChannelId);
    const callback = await waitFor('the answer', () => standIn.interactionCallbacks.get(sent.token));
    const data = callback.body?.data as { content: string; flags: number };
    expect(data.content).toBe(`I only paint in <#${standIn.channelId}>. See you there! 🎨`);
    expect(data.flags & 64).toBe(64);

    const elsewhere = standIn.postUserMessage(user('victor'), standIn.otherChannelId, 'paint me', [content]);
    const here = standIn.postUserMessage(user('victor'), standIn.channelId, 'paint me', [content]);
    standIn.addReaction(user('walter'), elsewhere, '🌊');
    standIn.addReaction(user('walter'), here, '🌊');
    await waitFor('the allowed reaction to be painted', () => results(bot, here.id)[0]);
    expect(elsewhere.thread).toBeUndefined();
  });
});

describe('interaction token lifetime', () => {
  it('carries on in a normal message once the interaction token is about to expire', async () => {
    const bot = await startBot(legacySlotEngine(engine), { tokenTtlMs: 1000, standInTokenTtlMs: 2000 });
    bots.push(bot);
    const { standIn } = bot;
    const [content, style] = await images(bot);
    // Long enough to still be painting well after the 1 s lifetime, however fast the runtime.
    const sent = standIn.sendCommand(user('xavier'), 'stylize', options(content, style, 400), [content, style]);
    const reply = await waitFor('the deferred reply', () => standIn.originalResponse(sent));
    const result = await waitFor('the result in the thread', () => results(bot, reply.id)[0]);
    expect(result.content).toContain('400 iterations');

    expect(reply.content).toMatch(/Still going; I'll keep you posted here instead: http/);
    const fallback = standIn
      .messagesIn(standIn.channelId)
      .find((message) => message.id !== reply.id && message.history.some((state) => state.content.includes('Painting…')));
    expect(fallback).toBeDefined();
    await waitFor('the new message to say it is done', () => /Done in .*thread/.test(fallback!.content));
    expect(fallback!.history.length).toBeGreaterThanOrEqual(2);
    // Nothing was sent with the dead token.
    expect(standIn.requests.filter((request) => request.status === 401)).toEqual([]);
  });
});
