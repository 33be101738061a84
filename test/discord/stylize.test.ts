import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StyleEngine } from '../../src/engine/index.js';
import type { RgbImage } from '../../src/engine/types.js';
import { ControlledEngine } from '../jobs/controlled-engine.js';
import type {
  CommandOption,
  SentInteraction,
  StandInUser,
  StoredAttachment,
  StoredMessage,
} from '../standins/discord/server.js';
import {
  LEAKS,
  cleanScratch,
  recordTiming,
  resultsIn,
  sharedImage,
  startBot,
  startTinyEngine,
  texts,
  user,
  waitFor,
  type Bot,
} from './harness.js';

let bot: Bot;

afterAll(async () => {
  await cleanScratch();
});

function attachments(content: StoredAttachment, style?: StoredAttachment): CommandOption[] {
  return [
    { name: 'content', type: 11, value: content.id },
    ...(style ? [{ name: 'style', type: 11, value: style.id }] : []),
  ];
}

const iterations = (value: number): CommandOption => ({ name: 'iterations', type: 4, value });

async function hostShared(path: string, side = 64): Promise<StoredAttachment> {
  return bot.standIn.hostFile(path.split('/').pop()!, await sharedImage(path, side), 'image/jpeg');
}

describe('/stylize on the real engine', () => {
  let engine: StyleEngine;

  beforeAll(async () => {
    engine = await startTinyEngine();
    bot = await startBot(engine);
  });

  afterAll(async () => {
    await bot?.stop();
    await engine?.close();
  });

  it('acknowledges at once and posts the painting, 48 px on its longest side, in a thread on the reply', async () => {
    const { standIn } = bot;
    const content = await hostShared('content/kitten.jpg');
    const style = await hostShared('styles/hokusai_great_wave.jpg');
    const sent = standIn.sendCommand(
      user('alice'),
      'stylize',
      [...attachments(content, style), iterations(8)],
      [content, style],
    );

    const reply = await waitFor('the deferred reply', () => standIn.originalResponse(sent));
    const ack = standIn.interactionCallbacks.get(sent.token)!;
    expect(ack.type).toBe(5);
    const ackMs = ack.at - sent.dispatchedAt;
    expect(ackMs).toBeLessThan(3000);

    const result = await waitFor('the result in a thread', () => resultsIn(standIn, reply.id)[0]);
    expect(reply.thread?.id).toBe(reply.id);
    expect(result.content).toMatch(/Made with your style image · strength 5 · size 48 · seed 0 · iterations 8 · \d/);
    const { width, height, format } = await sharp(standIn.file(result.attachments[0]!).bytes).metadata();
    expect([format, width, height]).toEqual(['png', 48, 32]);

    await waitFor('the reply to say where the result is', () => /Done in .*thread/.test(reply.content));
    expect(reply.components).toEqual([]);
    for (const text of texts(reply)) expect(text).not.toMatch(LEAKS);
    await recordTiming('discord /stylize', { ackMs });
  });
});

describe('/stylize', () => {
  let engine: ControlledEngine;

  beforeEach(async () => {
    engine = new ControlledEngine();
    bot = await startBot(engine, { maxPixels: 200 * 200 });
  });

  afterEach(async () => {
    await bot.stop();
  });

  /** The result message in the reply's thread. */
  async function resultOf(sent: SentInteraction): Promise<StoredMessage> {
    const reply = await waitFor('the deferred reply', () => bot.standIn.originalResponse(sent));
    return waitFor('the result in a thread', () => resultsIn(bot.standIn, reply.id)[0]);
  }

  async function replyTo(sent: SentInteraction): Promise<StoredMessage> {
    return waitFor('the deferred reply', () => bot.standIn.originalResponse(sent));
  }

  it('registers its command with a preset option that autocompletes', () => {
    const commands = bot.standIn.commands.get(bot.standIn.guildId) as Array<{
      name: string;
      options: Array<{ name: string; autocomplete?: boolean }>;
    }>;
    const stylize = commands.find((command) => command.name === 'stylize');
    expect(stylize?.options.find((option) => option.name === 'preset')).toMatchObject({ autocomplete: true });
  });

  it('shows each step of the progress, keeps the preview until the end, and posts the result in a thread', async () => {
    const { standIn } = bot;
    const content = await hostShared('content/kitten.jpg');
    const style = await hostShared('styles/hokusai_great_wave.jpg');
    const alice = user('alice');
    const sent = standIn.sendCommand(
      alice,
      'stylize',
      [...attachments(content, style), iterations(40)],
      [content, style],
    );
    const reply = await replyTo(sent);
    const run = await engine.nextRun();
    await waitFor('the start', () => reply.content.includes('🖌️ Starting to paint'));

    run.progress(10);
    const percents = [10, 20, 39].map((iteration) => run.percentAt(iteration));
    await waitFor('the first step', () => reply.content.includes(`Painting… ${percents[0]}% · iteration 10/40 · `));
    const preview: RgbImage = run.request.content;
    run.progress(20, { preview });
    await waitFor(
      'the preview',
      () =>
        reply.content.includes(`${percents[1]}% · iteration 20/40 · `) &&
        reply.attachments.some((a) => a.filename === 'preview.png'),
    );
    run.progress(39);
    await waitFor('the last step', () => reply.content.includes(`Painting… ${percents[2]}% · iteration 39/40`));
    expect(reply.attachments.map((a) => a.filename)).toEqual(['preview.png']);
    expect(reply.components).toHaveLength(1);

    run.finish();
    const result = await resultOf(sent);
    expect(result.content).toContain(`<@${alice.id}>, here's your painting!`);
    expect(result.content).toContain('Made with your style image · strength 5 · size 48 · seed 0 · iterations 40');
    await waitFor('the reply to say where the result is', () =>
      /✅ Done in .* It's in the thread: <#\d+>/.test(reply.content),
    );
    expect(reply.components).toEqual([]);
    expect(reply.attachments).toEqual([]);
    const steps = texts(reply)
      .filter((text) => text.includes('Painting…'))
      .map((text) => /\d+%/.exec(text)?.[0]);
    expect(steps).toEqual(percents.map((percent) => `${percent}%`));
    for (const text of texts(reply)) expect(text).not.toMatch(LEAKS);
  });

  it('answers mistakes in the options privately, before downloading anything', async () => {
    const { standIn } = bot;
    const content = await hostShared('content/kitten.jpg');
    const cases: Array<[CommandOption[], RegExp]> = [
      [attachments(content), /attach a `style` image or pick a `preset`/],
      [
        [
          ...attachments(content),
          { name: 'preset', type: 3, value: 'great_wave' },
          { name: 'size', type: 4, value: 999 },
        ],
        /`size` must be between 32 and 64/,
      ],
      [
        [...attachments(content), { name: 'preset', type: 3, value: 'mona_lisa' }],
        /I don't know the preset "mona_lisa"/,
      ],
    ];
    for (const [options, message] of cases) {
      const sent = standIn.sendCommand(user('bob'), 'stylize', options, [content]);
      const callback = await waitFor('the answer', () => standIn.interactionCallbacks.get(sent.token));
      expect(callback.type).toBe(4);
      const data = callback.body?.data as { content: string; flags: number };
      expect(data.content).toMatch(message);
      expect(data.flags & 64).toBe(64);
    }
    expect(standIn.requests.some((request) => request.path.startsWith('/cdn/'))).toBe(false);
  });

  it('explains bad images clearly and then serves the next request', async () => {
    const { standIn } = bot;
    const content = await hostShared('content/kitten.jpg');
    const jpeg = await sharedImage('styles/hokusai_great_wave.jpg', 64);
    const bad: Array<[StoredAttachment, RegExp]> = [
      [
        standIn.hostFile('notes.txt', Buffer.from('not a painting at all'), 'text/plain'),
        /The style image isn't in a format I can read/,
      ],
      [
        standIn.hostFile('broken.jpg', jpeg.subarray(0, Math.floor(jpeg.length / 2)), 'image/jpeg'),
        /The style image is damaged or cut short/,
      ],
      [
        await hostShared('styles/munch_the_scream.jpg', 400),
        /The style image is \d+×400 px .* the limit is 40000 pixels/,
      ],
    ];
    for (const [style, message] of bad) {
      const reply = await replyTo(
        standIn.sendCommand(user('carol'), 'stylize', attachments(content, style), [content, style]),
      );
      await waitFor(`the message ${message}`, () => message.test(reply.content));
      expect(reply.content).not.toMatch(LEAKS);
    }
    expect(engine.runs).toEqual([]);
    const style = await hostShared('styles/hokusai_great_wave.jpg');
    const sent = standIn.sendCommand(user('carol'), 'stylize', attachments(content, style), [content, style]);
    (await engine.nextRun()).finish();
    await resultOf(sent);
  });

  it('paints with a preset instead of a style image', async () => {
    const content = await hostShared('content/robin.jpg');
    const sent = bot.standIn.sendCommand(
      user('dave'),
      'stylize',
      [...attachments(content), { name: 'preset', type: 3, value: 'scream' }],
      [content],
    );
    const run = await engine.nextRun();
    expect(run.request.styles).toHaveLength(1);
    run.finish();
    expect((await resultOf(sent)).content).toContain('Made with preset scream · strength 5 · size 48');
  });

  it('serves four users in turn, telling each their place in line as it moves up', async () => {
    const { standIn } = bot;
    const content = await hostShared('content/chicago.jpg');
    const style = await hostShared('styles/vangogh_starry_night.jpg');
    const sent: SentInteraction[] = [];
    for (const name of ['erin', 'frank', 'grace', 'heidi']) {
      sent.push(standIn.sendCommand(user(name), 'stylize', attachments(content, style), [content, style]));
      // One after another, so the places are known.
      await waitFor(`${name}'s job to be queued`, () => standIn.originalResponse(sent.at(-1)!)?.content.includes('<@'));
    }
    const replies = await Promise.all(sent.map(replyTo));
    const first = await engine.nextRun();
    await waitFor('the first job to start', () => replies[0]!.content.includes('Starting to paint'));
    await waitFor('the places', () =>
      ["You're next in line", "You're #2 in line", "You're #3 in line"].every((place, index) =>
        replies[index + 1]!.content.includes(place),
      ),
    );

    first.finish();
    await resultOf(sent[0]!);
    const second = await engine.nextRun();
    await waitFor(
      'everyone to move up',
      () => replies[2]!.content.includes("You're next in line") && replies[3]!.content.includes("You're #2 in line"),
    );
    expect(resultsIn(standIn, replies[1]!.id)).toEqual([]);
    // Served in the order asked: each result arrives while the later jobs still wait.
    let run = second;
    for (let index = 1; index < sent.length; index++) {
      run.finish();
      await resultOf(sent[index]!);
      expect(sent.slice(index + 1).flatMap((later) => resultsIn(standIn, standIn.originalResponse(later)!.id))).toEqual(
        [],
      );
      if (index < sent.length - 1) run = await engine.nextRun();
    }
    expect(engine.runs).toHaveLength(4);
  });

  it('limits jobs per user, and cancels a waiting job and a running one from their buttons, for their owners only', async () => {
    const { standIn } = bot;
    const content = await hostShared('content/golden_gate.jpg');
    const style = await hostShared('styles/turner_the_shipwreck.jpg');
    const [ivan, judy, mallory] = ['ivan', 'judy', 'mallory'].map(user) as [StandInUser, StandInUser, StandInUser];
    const ask = (who: StandInUser) =>
      replyTo(standIn.sendCommand(who, 'stylize', attachments(content, style), [content, style]));
    const running = await ask(ivan);
    const run = await engine.nextRun();
    run.progress(1);
    await waitFor('the first job to run', () => running.content.includes('Painting…'));
    const waiting = await ask(judy);
    await waitFor('the second job to wait', () => waiting.content.includes("You're next in line"));

    const second = await ask(ivan);
    await waitFor("ivan's second job to wait", () => second.content.includes("You're #2 in line"));
    const third = await ask(ivan);
    await waitFor("ivan's third job to be refused", () => third.content.includes('You already have 2 jobs in line.'));
    expect(await click(ivan, second)).toBe("Okay, I've stopped it.");

    expect(await click(mallory, waiting)).toBe("That's someone else's job; you can only cancel your own.");
    expect(await click(judy, waiting)).toBe("Okay, I've stopped it.");
    await waitFor('the waiting job to say it was cancelled', () =>
      waiting.content.includes('✖️ Cancelled. Nothing was painted.'),
    );
    expect(waiting.components).toEqual([]);

    const button = cancelButton(running);
    expect(await click(ivan, running, button)).toBe("Okay, I've stopped it.");
    await waitFor('the running job to say it was cancelled', () =>
      running.content.includes('Cancelled. Nothing was painted.'),
    );
    expect(run.aborted).toBe(true);
    expect(await click(ivan, running, button)).toBe('That job has already finished.');
    expect(bot.queue.running + bot.queue.waiting).toBe(0);
    expect(engine.runs).toHaveLength(1);
  });

  it('finishes a job whose progress edit is rate limited', async () => {
    const { standIn } = bot;
    const content = await hostShared('content/stata_center.jpg');
    const style = await hostShared('styles/hokusai_great_wave.jpg');
    const sent = standIn.sendCommand(
      user('niaj'),
      'stylize',
      [...attachments(content, style), iterations(40)],
      [content, style],
    );
    standIn.rateLimitOnce(
      (request) =>
        request.method === 'PATCH' &&
        request.path.includes(sent.token) &&
        String(request.body?.content).includes('Painting…'),
      0.2,
    );
    const reply = await replyTo(sent);
    const run = await engine.nextRun();
    run.progress(10);
    await waitFor('the refused edit', () =>
      standIn.requests.some((request) => request.status === 429 && request.path.includes(sent.token)),
    );
    await waitFor('the progress to show after all', () => reply.content.includes(`Painting… ${run.percentAt(10)}%`));
    run.finish();
    await resultOf(sent);
    await waitFor('the reply to say where the result is', () => /Done in .*thread/.test(reply.content));
  });
});

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
