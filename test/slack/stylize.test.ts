import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import { reactionAdded } from '../standins/slack/envelopes.js';
import {
  command,
  jobTexts,
  painting,
  photo,
  postJpeg,
  recordFigure,
  textOf,
  useBot,
  useRealEngineBot,
} from './harness.js';

describe('on the real engine', () => {
  const bot = useRealEngineBot();

  test('/stylize paints the older of two recent images in the style of the newer, into the thread', async () => {
    const { slack } = bot();
    // Landscape photo, square painting: the result's shape tells which one was the content.
    postJpeg(slack, 'U1', 'C1', await photo('tubingen.jpg', 48));
    const style = postJpeg(slack, 'U1', 'C1', await painting('vangogh_starry_night.jpg', 40));

    const ack = await command(slack, 'U1', 'C1', 'iterations=4');
    const upload = await slack.waitForUpload();

    const firstLook = slack.callsOf('conversations.history')[0];
    expect(firstLook).toBeDefined();
    // Acked before any work started, and well inside Slack's 3 s.
    expect(ack.at).toBeLessThanOrEqual(firstLook?.at ?? 0);
    expect(ack.ms).toBeLessThan(3000);

    expect(upload.channel).toBe('C1');
    expect(upload.threadTs).toBe(style.ts);
    expect(upload.comment).toMatch(/<@U1>.*Made with .* · \d+(\.\d)? s$/s);
    expect(upload.comment).toContain('iterations 4');
    const result = await sharp(upload.bytes).metadata();
    expect(result.format).toBe('png');
    expect(Math.max(result.width, result.height)).toBe(32);
    expect(result.width).toBeGreaterThan(result.height);

    await expect.poll(() => jobTexts(slack, 'C1', style.ts).at(-1)).toMatch(/Done in/);
    expect(slack.downloads.every((d) => d.authorized)).toBe(true);

    const post = slack.callsOf('chat.postMessage')[0];
    await recordFigure('slash command ack', ack.ms);
    await recordFigure('ack → status message posted', (post?.at ?? Number.NaN) - ack.at);
  });
});

describe('on a controlled engine', () => {
  const bot = useBot();

  test('/stylize shows each step of the progress in the thread, then the result', async () => {
    const { slack, engine } = bot();
    postJpeg(slack, 'U1', 'C1', await photo('tubingen.jpg', 48));
    const style = postJpeg(slack, 'U1', 'C1', await painting('vangogh_starry_night.jpg', 40));
    await command(slack, 'U1', 'C1', 'iterations=40');
    const run = await engine.nextRun();
    const latest = (): string | undefined => jobTexts(slack, 'C1', style.ts).at(-1);
    await expect.poll(latest).toMatch(/^\*Your style\* · Starting to paint/);

    const percents = [10, 21, 40].map((iteration) => run.percentAt(iteration));
    expect(percents[2]).toBe(100);
    for (const [step, iteration] of [10, 21, 40].entries()) {
      run.progress(iteration);
      const line = `*Your style* · Painting… ${percents[step]}% · iteration ${iteration}/40 · `;
      await expect
        .poll(latest)
        .toSatisfy((text: string | undefined) => text?.startsWith(line) === true && text.endsWith(' left'));
    }
    run.finish();
    const upload = await slack.waitForUpload();
    expect(upload.threadTs).toBe(style.ts);
    expect(upload.comment).toMatch(
      /^<@U1> here you go!\nMade with your style image · strength 5 · size 32 · seed 0 · iterations 40/,
    );
    await expect.poll(latest).toMatch(/^\*Your style\* · Done in .* s\.$/);
    const steps = jobTexts(slack, 'C1', style.ts)
      .filter((text) => text.includes('Painting…'))
      .map((text) => /\d+%/.exec(text)?.[0]);
    expect(steps).toEqual(percents.map((percent) => `${percent}%`));
  });

  test("/stylize with a preset paints the user's newest image, found in a thread, in that style", async () => {
    const { slack, engine } = bot();
    const parent = postJpeg(slack, 'U2', 'C1', await photo('robin.jpg', 40));
    postJpeg(slack, 'U1', 'C1', await photo('kitten.jpg', 100), parent.ts);
    postJpeg(slack, 'U2', 'C1', await photo('chicago.jpg', 40));

    await command(slack, 'U1', 'C1', 'preset=ocean');
    const run = await engine.nextRun();
    // The 100 px photo, decoded no larger than a Bigger remix of the 32 px job paints it: the operator's 64 px cap.
    expect(run.request.content.width).toBe(64);
    run.finish();
    const upload = await slack.waitForUpload();

    expect(upload.threadTs).toBe(parent.ts);
    expect(upload.comment).toContain('Made with preset great_wave');
    expect(jobTexts(slack, 'C1', parent.ts)[0]).toContain('The Great Wave');
  });

  test('a preset reaction on an image paints it once, however often it is added', async () => {
    const { slack, engine } = bot();
    const picture = postJpeg(slack, 'U1', 'C1', await photo('robin.jpg', 40));
    const reaction = { channel: 'C1', ts: picture.ts, reaction: 'ocean', itemUser: 'U1' };

    await slack.send('events_api', reactionAdded({ ...reaction, user: 'U2' }));
    await slack.send('events_api', reactionAdded({ ...reaction, user: 'U3' }));
    await slack.send('events_api', reactionAdded({ ...reaction, user: 'U2', reaction: 'thumbsup' }));
    (await engine.nextRun()).finish();
    const upload = await slack.waitForUpload();

    expect(upload.threadTs).toBe(picture.ts);
    expect(upload.comment).toContain('<@U2>');
    expect(bot().queue.waiting + bot().queue.running).toBe(0);
    expect(engine.runs).toHaveLength(1);
    expect(slack.uploads).toHaveLength(1);
    expect(slack.callsOf('chat.postMessage')).toHaveLength(1);
  });

  test('a refused preset reaction may be tried again', async () => {
    const { slack, engine } = bot();
    const picture = slack.postFile({
      channel: 'C1',
      user: 'U1',
      name: 'cut.jpg',
      mimetype: 'image/jpeg',
      bytes: (await photo()).subarray(0, 200),
    });
    const react = () =>
      slack.send(
        'events_api',
        reactionAdded({ user: 'U2', channel: 'C1', ts: picture.ts, reaction: 'ocean', itemUser: 'U1' }),
      );

    await react();
    await slack.waitForCall('chat.postEphemeral');
    await react();
    await expect
      .poll(() => slack.callsOf('chat.postEphemeral').map((call) => textOf(call)))
      .toEqual([
        expect.stringMatching(/^The photo is damaged or cut short/),
        expect.stringMatching(/^The photo is damaged or cut short/),
      ]);
    expect(engine.runs).toEqual([]);
  });

  test('a rate-limited progress edit is retried and the job still completes', async () => {
    const { slack, engine } = bot();
    postJpeg(slack, 'U1', 'C1', await photo('tubingen.jpg', 40));
    const style = postJpeg(slack, 'U1', 'C1', await painting('munch_the_scream.jpg', 40));
    slack.failNext('chat.update', { status: 429, retryAfterSec: 1 });

    await command(slack, 'U1', 'C1', 'iterations=20');
    const run = await engine.nextRun();
    await expect.poll(() => jobTexts(slack, 'C1', style.ts).at(-1)).toMatch(/Starting to paint/);
    run.progress(5);
    await expect.poll(() => slack.callsOf('chat.update').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    const [refused, retried] = slack.callsOf('chat.update');
    // The refused edit was sent again once the Retry-After had passed.
    expect(refused && retried && textOf(retried)).toBe(refused && textOf(refused));
    expect((retried?.at ?? 0) - (refused?.at ?? 0)).toBeGreaterThanOrEqual(1000);

    run.progress(10);
    await expect.poll(() => jobTexts(slack, 'C1', style.ts).at(-1)).toContain(`Painting… ${run.percentAt(10)}%`);
    run.finish();
    const upload = await slack.waitForUpload();
    expect(upload.threadTs).toBe(style.ts);
    await expect.poll(() => jobTexts(slack, 'C1', style.ts).at(-1)).toMatch(/Done in/);
  });

  test('when the result cannot be uploaded the user is told so, and the next job is delivered', async () => {
    const { slack, engine } = bot();
    const picture = postJpeg(slack, 'U1', 'C1', await photo('kitten.jpg', 40));
    slack.failNext('files.getUploadURLExternal', { error: 'internal_error' });

    await command(slack, 'U1', 'C1', 'ocean');
    (await engine.nextRun()).finish();
    await expect
      .poll(() => jobTexts(slack, 'C1', picture.ts).at(-1))
      .toBe("*The Great Wave* · I finished the picture but couldn't upload it here. Please try again in a minute.");
    expect(slack.uploads).toEqual([]);

    await command(slack, 'U1', 'C1', 'ocean');
    (await engine.nextRun()).finish();
    expect((await slack.waitForUpload()).threadTs).toBe(picture.ts);
  });
});
