import sharp from 'sharp';
import { expect, test } from 'vitest';
import { reactionAdded } from '../standins/slack/envelopes.js';
import { command, jobTexts, painting, photo, postJpeg, recordFigure, textOf, useBot } from './harness.js';

const bot = useBot();

test('/stylize paints the older of two recent images in the style of the newer, with progress, into the thread', async () => {
  const { slack } = bot();
  // Landscape photo, square painting: the result's shape tells which one was the content.
  postJpeg(slack, 'U1', 'C1', await photo('tubingen.jpg', 48));
  const style = postJpeg(slack, 'U1', 'C1', await painting('vangogh_starry_night.jpg', 40));

  const ack = await command(slack, 'U1', 'C1', 'iterations=40');
  const upload = await slack.waitForUpload();

  const firstLook = slack.callsOf('conversations.history')[0];
  expect(firstLook).toBeDefined();
  // Acked before any work started, and well inside Slack's 3 s.
  expect(ack.at).toBeLessThanOrEqual(firstLook?.at ?? 0);
  expect(ack.ms).toBeLessThan(3000);

  expect(upload.channel).toBe('C1');
  expect(upload.threadTs).toBe(style.ts);
  expect(upload.comment).toMatch(/<@U1>.*Done in .*s\./s);
  expect(upload.comment).toContain('40 iterations');
  const result = await sharp(upload.bytes).metadata();
  expect(result.format).toBe('png');
  expect(Math.max(result.width, result.height)).toBe(32);
  expect(result.width).toBeGreaterThan(result.height);

  await expect.poll(() => jobTexts(slack, 'C1', style.ts).at(-1)).toMatch(/Done in/);
  const texts = jobTexts(slack, 'C1', style.ts);
  expect(texts.filter((text) => /Painting… \d+% · iteration \d+\/40/.test(text)).length).toBeGreaterThanOrEqual(2);
  expect(slack.downloads.every((d) => d.authorized)).toBe(true);

  const post = slack.callsOf('chat.postMessage')[0];
  const firstProgress = slack.callsOf('chat.update').find((c) => textOf(c).includes('Painting'));
  await recordFigure('slash command ack', ack.ms);
  await recordFigure('ack → status message posted', (post?.at ?? Number.NaN) - ack.at);
  await recordFigure('ack → first progress update', (firstProgress?.at ?? Number.NaN) - ack.at);
});

test("/stylize with a preset paints the user's newest image, found in a thread, in that style", async () => {
  const { slack } = bot();
  const parent = postJpeg(slack, 'U2', 'C1', await photo('robin.jpg', 40));
  postJpeg(slack, 'U1', 'C1', await photo('kitten.jpg', 40), parent.ts);
  postJpeg(slack, 'U2', 'C1', await photo('chicago.jpg', 40));

  await command(slack, 'U1', 'C1', 'preset=ocean');
  const upload = await slack.waitForUpload();

  expect(upload.threadTs).toBe(parent.ts);
  expect(upload.comment).toContain('The Great Wave');
  expect(jobTexts(slack, 'C1', parent.ts)[0]).toContain('The Great Wave');
});

test('a preset reaction on an image paints it once, however often it is added', async () => {
  const { slack } = bot();
  const picture = postJpeg(slack, 'U1', 'C1', await photo('robin.jpg', 40));
  const reaction = { channel: 'C1', ts: picture.ts, reaction: 'ocean', itemUser: 'U1' };

  await slack.send('events_api', reactionAdded({ ...reaction, user: 'U2' }));
  await slack.send('events_api', reactionAdded({ ...reaction, user: 'U3' }));
  await slack.send('events_api', reactionAdded({ ...reaction, user: 'U2', reaction: 'thumbsup' }));
  const upload = await slack.waitForUpload();

  expect(upload.threadTs).toBe(picture.ts);
  expect(upload.comment).toContain('<@U2>');
  expect(bot().queue.waiting + bot().queue.running).toBe(0);
  expect(slack.uploads).toHaveLength(1);
  expect(slack.callsOf('chat.postMessage')).toHaveLength(1);
});

test('a rate-limited progress edit is retried and the job still completes', async () => {
  const { slack } = bot();
  postJpeg(slack, 'U1', 'C1', await photo('tubingen.jpg', 40));
  const style = postJpeg(slack, 'U1', 'C1', await painting('munch_the_scream.jpg', 40));
  slack.failNext('chat.update', { status: 429, retryAfterSec: 1 });

  await command(slack, 'U1', 'C1', 'iterations=20');
  const upload = await slack.waitForUpload();

  expect(upload.threadTs).toBe(style.ts);
  await expect.poll(() => jobTexts(slack, 'C1', style.ts).at(-1), { timeout: 10_000 }).toMatch(/Done in/);
  await expect.poll(() => slack.callsOf('chat.update').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
  const [refused, retried] = slack.callsOf('chat.update');
  // The refused edit was sent again once the Retry-After had passed.
  expect(refused && retried && textOf(retried)).toBe(refused && textOf(refused));
  expect((retried?.at ?? 0) - (refused?.at ?? 0)).toBeGreaterThanOrEqual(1000);
});

test('when the result cannot be uploaded the user is told so, and the next job is delivered', async () => {
  const { slack } = bot();
  const picture = postJpeg(slack, 'U1', 'C1', await photo('kitten.jpg', 40));
  slack.failNext('files.getUploadURLExternal', { error: 'internal_error' });

  await command(slack, 'U1', 'C1', 'ocean');
  await expect.poll(() => jobTexts(slack, 'C1', picture.ts).at(-1)).toMatch(/I finished the picture but couldn't upload it here/);
  expect(slack.uploads).toEqual([]);

  await command(slack, 'U1', 'C1', 'ocean');
  expect((await slack.waitForUpload()).threadTs).toBe(picture.ts);
});
