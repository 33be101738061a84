import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_THREADS } from '../../src/discord/reactions.js';
import { ControlledEngine } from '../jobs/controlled-engine.js';
import type { StandInUser, StoredMessage } from '../standins/discord/server.js';
import {
  LEAKS,
  botRepliesTo,
  cleanScratch,
  resultsIn,
  sharedImage,
  startBot,
  texts,
  user,
  waitFor,
  type Bot,
} from './harness.js';

let engine: ControlledEngine;
let bot: Bot;

beforeEach(async () => {
  engine = new ControlledEngine();
  bot = await startBot(engine);
});

afterEach(async () => {
  await bot.stop();
});

afterAll(async () => {
  await cleanScratch();
});

async function photoMessage(poster: StandInUser, text = 'look at this'): Promise<StoredMessage> {
  const photo = bot.standIn.hostFile('robin.jpg', await sharedImage('content/robin.jpg'), 'image/jpeg');
  return bot.standIn.postUserMessage(poster, bot.standIn.channelId, text, [photo]);
}

function repliesTo(message: StoredMessage): StoredMessage[] {
  return botRepliesTo(bot.standIn, message);
}

describe('preset reactions', () => {
  it('paints an image in a preset when its emoji is added, once however often it is added', async () => {
    const { standIn } = bot;
    const poster = user('olivia');
    const message = await photoMessage(poster, 'look at this bird');
    const photo = message.attachments[0]!;
    const embedded = standIn.postUserMessage(
      poster,
      standIn.channelId,
      'and this link',
      [],
      [{ type: 'image', url: photo.url, image: { url: photo.url, proxy_url: photo.proxy_url, width: 64, height: 64 } }],
    );
    const textOnly = standIn.postUserMessage(poster, standIn.channelId, 'no pictures here');

    const [peggy, rupert] = [user('peggy'), user('rupert')];
    standIn.addReaction(peggy, message, '🌊');
    standIn.addReaction(rupert, message, '🌊');
    standIn.addReaction(peggy, message, '🌊');
    standIn.addReaction(peggy, message, '👍');
    standIn.addReaction(peggy, textOnly, '🌊');
    // Sent after everything above, so by the time it is queued any duplicate would have been queued first.
    standIn.addReaction(rupert, embedded, '😱️');

    // Downloads run side by side, so either picture's job may start first; each reports in its own thread.
    const first = await engine.nextRun();
    first.progress(4);
    const painting = `Painting… ${first.percentAt(4)}% · iteration 4/8`;
    await waitFor('the progress in a thread', () =>
      [message.id, embedded.id].some((id) => standIn.messagesIn(id).some((m) => m.content.includes(painting))),
    );
    first.finish();
    (await engine.nextRun()).finish();
    const status = await waitFor('the status in the thread', () =>
      standIn.messagesIn(message.id).find((m) => m.content.startsWith('🎨')),
    );

    const last = await waitFor('the embed to be painted', () => resultsIn(standIn, embedded.id)[0]);
    expect(last.content).toContain('Made with preset scream · strength 5 · size 48');
    expect(last.content).toContain(`<@${rupert.id}>`);

    expect(message.thread?.id).toBe(message.id);
    const painted = await waitFor('the wave', () => resultsIn(standIn, message.id)[0]);
    expect(painted.content).toContain('Made with preset great_wave · strength 5 · size 48');
    expect(painted.content).toContain(`<@${peggy.id}>`);
    expect(textOnly.thread).toBeUndefined();
    expect(engine.runs).toHaveLength(2);
    expect(bot.queue.waiting + bot.queue.running).toBe(0);

    await waitFor('the status to say it is done', () => status.content.includes('✅ Done in'));
    expect(standIn.messagesIn(message.id).filter((m) => m.content.startsWith('🎨'))).toEqual([status]);
    for (const text of texts(status)) expect(text).not.toMatch(LEAKS);
  });

  it('answers an image it cannot read on the message, makes no thread, and tries again when asked again', async () => {
    const { standIn } = bot;
    const jpeg = await sharedImage('content/tubingen.jpg');
    const broken = standIn.hostFile('broken.jpg', jpeg.subarray(0, jpeg.length / 2), 'image/jpeg');
    const message = standIn.postUserMessage(user('sybil'), standIn.channelId, 'oops', [broken]);
    const trent = user('trent');
    standIn.addReaction(trent, message, '🌊');
    const answer = await waitFor('the explanation', () => repliesTo(message)[0]);
    expect(
      answer.content.startsWith(
        `🎨 **The Great Wave (Hokusai)** for <@${trent.id}>\n⚠️ The image is damaged or cut short`,
      ),
    ).toBe(true);
    expect(message.thread).toBeUndefined();

    // The refusal did not use up the reaction: adding it again is a new try.
    standIn.addReaction(trent, message, '🌊');
    await waitFor('a second answer', () => repliesTo(message).length === 2);
    expect(engine.runs).toEqual([]);
  });

  it('makes no thread for a member at their limit, and paints once one of their jobs is done', async () => {
    const { standIn } = bot;
    const quinn = user('quinn');
    const [first, second, third] = [
      await photoMessage(user('p1')),
      await photoMessage(user('p2')),
      await photoMessage(user('p3')),
    ];
    standIn.addReaction(quinn, first, '🌊');
    const running = await engine.nextRun();
    standIn.addReaction(quinn, second, '🌊');
    await waitFor('the second job to wait', () =>
      standIn.messagesIn(second.id).some((m) => m.content.includes("You're next in line")),
    );

    standIn.addReaction(quinn, third, '🌊');
    const refusal = await waitFor('the refusal', () => repliesTo(third)[0]);
    expect(refusal.content).toContain('⚠️ You already have 2 jobs in line.');
    expect(third.thread).toBeUndefined();
    expect(
      standIn.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/messages/${third.id}/threads`)),
    ).toEqual([]);

    running.finish();
    await waitFor('the first picture to be painted', () => resultsIn(standIn, first.id)[0]);
    standIn.addReaction(quinn, third, '🌊');
    (await engine.nextRun()).finish();
    (await engine.nextRun()).finish();
    await waitFor('the third picture to be painted', () => resultsIn(standIn, third.id)[0]);
    expect(resultsIn(standIn, second.id)).toHaveLength(1);
  });

  it('says so when it may not make threads, and leaves nothing running', async () => {
    const { standIn } = bot;
    const message = await photoMessage(user('uri'));
    standIn.refuseOnce(
      (request) => request.method === 'POST' && request.path.endsWith(`/messages/${message.id}/threads`),
    );
    const vera = user('vera');
    standIn.addReaction(vera, message, '😱');
    const answer = await waitFor('the explanation', () => repliesTo(message)[0]);
    expect(answer.content).toBe(`🎨 **The Scream (Munch)** for <@${vera.id}>\n⚠️ ${NO_THREADS}`);
    // The queue had taken the job before the thread was refused; it is stopped, not left running.
    const stopped = await engine.nextRun();
    await waitFor('the job to be gone', () => stopped.aborted && bot.queue.waiting + bot.queue.running === 0);
    expect(message.thread).toBeUndefined();

    // Once an admin has fixed the permission, the same reaction works.
    standIn.addReaction(vera, message, '😱');
    (await engine.nextRun()).finish();
    await waitFor('the painting', () => resultsIn(standIn, message.id)[0]);
  });
});
