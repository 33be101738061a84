import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ControlledEngine } from '../jobs/controlled-engine.js';
import type { StoredAttachment } from '../standins/discord/server.js';
import { cleanScratch, resultsIn, sharedImage, startBot, user, waitFor, type Bot } from './harness.js';

const bots: Bot[] = [];

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  await Promise.all(bots.map((bot) => bot.stop()));
  await cleanScratch();
});

async function images(bot: Bot): Promise<[StoredAttachment, StoredAttachment]> {
  return [
    bot.standIn.hostFile('kitten.jpg', await sharedImage('content/kitten.jpg'), 'image/jpeg'),
    bot.standIn.hostFile('wave.jpg', await sharedImage('styles/hokusai_great_wave.jpg'), 'image/jpeg'),
  ];
}

function options(content: StoredAttachment, style: StoredAttachment) {
  return [
    { name: 'content', type: 11, value: content.id },
    { name: 'style', type: 11, value: style.id },
  ];
}

describe('the channel allow-list', () => {
  it('works only in the listed channels and politely says where', async () => {
    const engine = new ControlledEngine();
    const bot = await startBot(engine, { channels: (standIn) => [standIn.channelId] });
    bots.push(bot);
    const { standIn } = bot;
    const [content, style] = await images(bot);

    const sent = standIn.sendCommand(
      user('uma'),
      'stylize',
      options(content, style),
      [content, style],
      standIn.otherChannelId,
    );
    const callback = await waitFor('the answer', () => standIn.interactionCallbacks.get(sent.token));
    const data = callback.body?.data as { content: string; flags: number };
    expect(data.content).toBe(`Sorry, I only paint in <#${standIn.channelId}>. Come and find me there! 🎨`);
    expect(data.flags & 64).toBe(64);

    const elsewhere = standIn.postUserMessage(user('victor'), standIn.otherChannelId, 'paint me', [content]);
    const here = standIn.postUserMessage(user('victor'), standIn.channelId, 'paint me', [content]);
    standIn.addReaction(user('walter'), elsewhere, '🌊');
    standIn.addReaction(user('walter'), here, '🌊');
    (await engine.nextRun()).finish();
    await waitFor('the allowed reaction to be painted', () => resultsIn(standIn, here.id)[0]);
    expect(elsewhere.thread).toBeUndefined();
    expect(engine.runs).toHaveLength(1);
  });
});

describe('interaction token lifetime', () => {
  it('carries on in a normal message once the interaction token is about to expire', async () => {
    // Only the clock is faked, and it keeps running: the bot, its sockets and the stand-in carry on as usual.
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    const engine = new ControlledEngine();
    const bot = await startBot(engine, { tokenTtlMs: 14 * 60_000, standInTokenTtlMs: 15 * 60_000 });
    bots.push(bot);
    const { standIn } = bot;
    const [content, style] = await images(bot);
    const sent = standIn.sendCommand(user('xavier'), 'stylize', options(content, style), [content, style]);
    const reply = await waitFor('the deferred reply', () => standIn.originalResponse(sent));
    const run = await engine.nextRun();
    run.progress(2);
    await waitFor('progress on the reply', () => reply.content.includes(`Painting… ${run.percentAt(2)}%`));

    vi.setSystemTime(Date.now() + 14.5 * 60_000);
    run.progress(4);
    await waitFor('the reply to point elsewhere', () =>
      /Still going; I'll keep you posted here instead: http/.test(reply.content),
    );
    const fallback = await waitFor('the new message', () =>
      standIn
        .messagesIn(standIn.channelId)
        .find((message) => message.id !== reply.id && message.content.includes(`Painting… ${run.percentAt(4)}%`)),
    );

    // Past the token's death: everything now goes through the bot's own message.
    vi.setSystemTime(Date.now() + 5 * 60_000);
    run.progress(6);
    await waitFor('progress on the new message', () => fallback.content.includes(`Painting… ${run.percentAt(6)}%`));
    run.finish();
    const result = await waitFor('the result in the thread', () => resultsIn(standIn, reply.id)[0]);
    expect(result.content).toContain('iterations 8');
    await waitFor('the new message to say it is done', () => /Done in .*thread/.test(fallback.content));
    expect(reply.content).toMatch(/Still going/);
    expect(standIn.requests.filter((request) => request.status === 401)).toEqual([]);
  });
});
