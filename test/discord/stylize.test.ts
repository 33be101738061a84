import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StyleEngine } from '../../src/engine/index.js';
import { legacySlotEngine } from '../../src/jobs/slot-engine.js';
import type { CommandOption, SentInteraction, StandInUser, StoredAttachment, StoredMessage } from '../standins/discord/server.js';
import { LEAKS, cleanScratch, recordTiming, sharedImage, startBot, startTinyEngine, texts, user, waitFor, type Bot } from './harness.js';

let engine: StyleEngine;
let bot: Bot;

beforeAll(async () => {
  engine = await startTinyEngine();
  bot = await startBot(legacySlotEngine(engine), { maxPixels: 200 * 200 });
});

afterAll(async () => {
  await bot?.stop();
  await engine?.close();
  await cleanScratch();
});

function attachments(content: StoredAttachment, style?: StoredAttachment): CommandOption[] {
  return [
    { name: 'content', type: 11, value: content.id },
    ...(style ? [{ name: 'style', type: 11, value: style.id }] : []),
  ];
}

async function hostShared(path: string, side = 64): Promise<StoredAttachment> {
  return bot.standIn.hostFile(path.split('/').pop()!, await sharedImage(path, side), 'image/jpeg');
}

describe('/stylize', () => {
  it('registers its command with the preset choices', () => {
    const commands = bot.standIn.commands.get(bot.standIn.guildId) as Array<{ name: string; options: Array<{ name: string; choices?: Array<{ value: string }> }> }>;
    const stylize = commands.find((command) => command.name === 'stylize');
    expect(stylize?.options.find((option) => option.name === 'preset')?.choices?.map((c) => c.value)).toEqual(['great_wave', 'scream']);
  });

  it('acknowledges at once, shows progress, and posts the result in a thread', async () => {
    const { standIn } = bot;
    const content = await hostShared('content/kitten.jpg');
    const style = await hostShared('styles/hokusai_great_wave.jpg');
    const sent = standIn.sendCommand(user('alice'), 'stylize', [...attachments(content, style), { name: 'iterations', type: 4, value: 40 }], [content, style]);

    const reply = await waitFor('the deferred reply', () => standIn.originalResponse(sent));
    const ack = standIn.interactionCallbacks.get(sent.token)!;
    expect(ack.type).toBe(5);
    const ackMs = ack.at - sent.dispatchedAt;
    expect(ackMs).toBeLessThan(3000);

    const result = await waitFor('the result in a thread', () =>
      standIn.messagesIn(reply.id).find((message) => message.attachments.some((a) => a.filename === 'result.png')),
    );
    expect(reply.thread?.id).toBe(reply.id);
    expect(result.content).toContain('48 px · 40 iterations (lbfgs)');
    expect(result.content).toMatch(/Done in \d/);
    const png = standIn.file(result.attachments[0]!);
    const { width, height, format } = await sharp(png.bytes).metadata();
    expect([format, width, height]).toEqual(['png', 48, 32]);

    const history = reply.history;
    const progress = history.filter((state) => /Painting… \d+% · iteration \d+\/40 · .+ left/.test(state.content));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(history.some((state) => state.attachments.includes('preview.png'))).toBe(true);
    await waitFor('the reply to say where the result is', () => /Done in .*thread/.test(reply.content));
    expect(reply.components).toEqual([]);
    for (const text of texts(reply)) expect(text).not.toMatch(LEAKS);

    const firstProgressMs = progress[0]!.at - sent.dispatchedAt;
    await recordTiming('discord /stylize', { ackMs, firstProgressEditMs: firstProgressMs, progressEdits: progress.length });
  });

  it('answers mistakes in the options privately, before downloading anything', async () => {
    const { standIn } = bot;
    const content = await hostShared('content/kitten.jpg');
    const cases: Array<[CommandOption[], RegExp]> = [
      [attachments(content), /attach a `style` image or pick a `preset`/],
      [[...attachments(content), { name: 'preset', type: 3, value: 'great_wave' }, { name: 'size', type: 4, value: 999 }], /`size` must be between 32 and 64/],
      [[...attachments(content), { name: 'preset', type: 3, value: 'mona_lisa' }], /I don't know the preset "mona_lisa"/],
    ];
    for (const [options, message] of cases) {
      const sent = standIn.sendCommand(user('bob'), 'stylize', options, [content]);
      const callback = await waitFor('the answer', () => standIn.interactionCallbacks.get(sent.token));
      expect(callback.type).toBe(4);
      const data = callback.body?.data as { content: string; flags: number };
      expect(data.content).toMatch(message);
      expect(data.flags & 64).toBe(64);
    }
  });

  it('explains bad images clearly and then serves the next request', async () => {
    const { standIn } = bot;
    const content = await hostShared('content/kitten.jpg');
    const jpeg = await sharedImage('styles/hokusai_great_wave.jpg', 64);
    const bad: Array<[StoredAttachment, RegExp]> = [
      [standIn.hostFile('notes.txt', Buffer.from('not a painting at all'), 'text/plain'), /The style image isn't in a format I can read/],
      [standIn.hostFile('broken.jpg', jpeg.subarray(0, Math.floor(jpeg.length / 2)), 'image/jpeg'), /The style image is damaged or cut short/],
      [await hostShared('styles/munch_the_scream.jpg', 400), /The style image is \d+×400 px .* the limit is 40000 pixels/],
    ];
    for (const [style, message] of bad) {
      const sent = standIn.sendCommand(user('carol'), 'stylize', attachments(content, style), [content, style]);
      const reply = await waitFor('the reply', () => standIn.originalResponse(sent));
      await waitFor(`the message ${message}`, () => message.test(reply.content));
      expect(reply.content).not.toMatch(LEAKS);
    }
    const style = await hostShared('styles/hokusai_great_wave.jpg');
    const sent = standIn.sendCommand(user('carol'), 'stylize', attachments(content, style), [content, style]);
    await resultOf(sent);
  });

  it('paints with a preset instead of a style image', async () => {
    const content = await hostShared('content/robin.jpg');
    const sent = bot.standIn.sendCommand(user('dave'), 'stylize', [...attachments(content), { name: 'preset', type: 3, value: 'scream' }], [content]);
    const result = await resultOf(sent);
    expect(result.content).toContain('The Scream (Munch) · 48 px');
  });

  it('serves four users at once in turn, telling each their place in line', async () => {
    const { standIn } = bot;
    const content = await hostShared('content/chicago.jpg');
    const style = await hostShared('styles/vangogh_starry_night.jpg');
    const users = ['erin', 'frank', 'grace', 'heidi'].map(user);
    const sent = users.map((who) => standIn.sendCommand(who, 'stylize', attachments(content, style), [content, style]));
    const results = await Promise.all(sent.map(resultOf));
    expect(results).toHaveLength(4);
    const seen = sent.flatMap((interaction) => texts(standIn.originalResponse(interaction)!));
    for (const place of ["You're next in line", "You're #2 in line", "You're #3 in line"]) {
      expect(seen.some((text) => text.includes(place))).toBe(true);
    }
  });

  it('limits jobs per user, and cancels a waiting job and a running one from their buttons, for their owners only', async () => {
    const { standIn } = bot;
    const content = await hostShared('content/golden_gate.jpg');
    const style = await hostShared('styles/turner_the_shipwreck.jpg');
    const [ivan, judy, mallory] = ['ivan', 'judy', 'mallory'].map(user) as [StandInUser, StandInUser, StandInUser];
    const long = [...attachments(content, style), { name: 'iterations', type: 4, value: 1500 }];
    const running = standIn.originalResponse(await waitForReply(standIn.sendCommand(ivan, 'stylize', long, [content, style])))!;
    const waiting = standIn.originalResponse(await waitForReply(standIn.sendCommand(judy, 'stylize', long, [content, style])))!;
    await waitFor('the first job to run', () => running.content.includes('Painting…'));
    await waitFor('the second job to wait', () => waiting.content.includes("You're next in line"));

    const second = standIn.originalResponse(await waitForReply(standIn.sendCommand(ivan, 'stylize', long, [content, style])))!;
    await waitFor("ivan's second job to wait", () => second.content.includes("You're #2 in line"));
    const third = standIn.originalResponse(await waitForReply(standIn.sendCommand(ivan, 'stylize', long, [content, style])))!;
    await waitFor("ivan's third job to be refused", () => third.content.includes('You already have 2 jobs in line.'));
    expect(await click(ivan, second)).toBe("Okay, I've stopped it.");

    expect(await click(mallory, waiting)).toBe("That's someone else's job; you can only cancel your own.");
    expect(await click(judy, waiting)).toBe("Okay, I've stopped it.");
    await waitFor('the waiting job to say it was cancelled', () => waiting.content.includes('Cancelled. Nothing was painted.'));
    expect(waiting.components).toEqual([]);

    const button = cancelButton(running);
    expect(await click(ivan, running, button)).toBe("Okay, I've stopped it.");
    await waitFor('the running job to say it was cancelled', () => running.content.includes('Cancelled. Nothing was painted.'));
    expect(await click(ivan, running, button)).toBe('That job has already finished.');
    expect(bot.queue.running + bot.queue.waiting).toBe(0);
  });

  it('finishes a job whose progress edit is rate limited', async () => {
    const { standIn } = bot;
    const content = await hostShared('content/stata_center.jpg');
    const style = await hostShared('styles/hokusai_great_wave.jpg');
    const sent = standIn.sendCommand(user('niaj'), 'stylize', [...attachments(content, style), { name: 'iterations', type: 4, value: 40 }], [content, style]);
    standIn.rateLimitOnce((request) => request.method === 'PATCH' && request.path.includes(sent.token) && String(request.body?.content).includes('Painting…'), 1);
    await resultOf(sent);
    expect(standIn.requests.some((request) => request.status === 429 && request.path.includes(sent.token))).toBe(true);
    const reply = standIn.originalResponse(sent)!;
    await waitFor('the reply to say where the result is', () => /Done in .*thread/.test(reply.content));
  });
});

async function waitForReply(sent: SentInteraction): Promise<SentInteraction> {
  await waitFor('the deferred reply', () => bot.standIn.originalResponse(sent));
  return sent;
}

/** The result message in the reply's thread. */
async function resultOf(sent: SentInteraction): Promise<StoredMessage> {
  const reply = await waitFor('the deferred reply', () => bot.standIn.originalResponse(sent));
  return waitFor('the result in a thread', () =>
    bot.standIn.messagesIn(reply.id).find((message) => message.attachments.some((a) => a.filename === 'result.png')),
  );
}

/** The custom id of the cancel button on a status message. */
function cancelButton(message: StoredMessage): string {
  const row = message.components[0] as { components: Array<{ custom_id: string }> } | undefined;
  const customId = row?.components[0]?.custom_id;
  if (customId === undefined) throw new Error(`no button on the message: ${message.content}`);
  return customId;
}

/** Clicks a button on a status message and returns the bot's private answer. */
async function click(who: StandInUser, message: StoredMessage, customId = cancelButton(message)): Promise<string> {
  const sent = bot.standIn.clickButton(who, message, customId);
  const callback = await waitFor('the answer to the click', () => bot.standIn.interactionCallbacks.get(sent.token));
  const data = callback.body?.data as { content: string; flags: number };
  expect(data.flags & 64).toBe(64);
  return data.content;
}
