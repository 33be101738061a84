import { expect, test } from 'vitest';
import { CANCEL_ACTION } from '../../src/slack/blocks.js';
import { buttonClick } from '../standins/slack/envelopes.js';
import type { ApiCall, SlackStandIn, StoredMessage } from '../standins/slack/server.js';
import { command, jobTexts, painting, photo, postJpeg, textOf, useBot } from './harness.js';

const bot = useBot();

/** Posts a photo and a painting for `user`; returns the painting's message, whose thread the job answers in. */
async function postPair(slack: SlackStandIn, user: string): Promise<StoredMessage> {
  postJpeg(slack, user, 'C1', await photo('tubingen.jpg', 40));
  return postJpeg(slack, user, 'C1', await painting('munch_the_scream.jpg', 40));
}

/** The Cancel button's job id on the status message in `threadTs`, once the message has one. */
async function cancelButton(slack: SlackStandIn, threadTs: string): Promise<{ jobId: string; messageTs: string }> {
  const post: ApiCall = await slack.waitForCall('chat.postMessage', (c) => c.args.thread_ts === threadTs);
  const jobId = /"value":"([^"]+)"/.exec(JSON.stringify(post.args.blocks))?.[1];
  const messageTs = post.result?.ts;
  if (jobId === undefined || typeof messageTs !== 'string') throw new Error('the status message has no Cancel button');
  return { jobId, messageTs };
}

test('four users at once on one slot: each sees a place in line and gets a result', async () => {
  const { slack } = bot();
  const users = ['U1', 'U2', 'U3', 'U4'];
  const threads = await Promise.all(users.map((user) => postPair(slack, user)));

  await Promise.all(users.map((user) => command(slack, user, 'C1', '')));
  await expect.poll(() => slack.uploads.length, { timeout: 60_000 }).toBe(4);

  for (const [index, user] of users.entries()) {
    const thread = threads[index]!;
    expect(slack.uploads.find((u) => u.threadTs === thread.ts)?.comment).toContain(`<@${user}>`);
  }
  const firstLines = threads.map((thread) => jobTexts(slack, 'C1', thread.ts)[0] ?? '');
  const places = firstLines.flatMap((line) => /You're (next|#\d+) in line/.exec(line)?.[1] ?? []);
  // One slot: whoever came first may start at once, everyone else waited behind them.
  expect(places.length).toBeGreaterThanOrEqual(3);
  expect(places).toEqual(expect.arrayContaining(['#2', '#3']));
  await expect.poll(() => threads.map((thread) => jobTexts(slack, 'C1', thread.ts).at(-1))).toEqual(Array(4).fill(expect.stringMatching(/Done in/)));
});

test('a waiting job is cancelled with /stylize cancel, a running one with its button, and only by its owner', async () => {
  const { slack } = bot();
  const running = await postPair(slack, 'U1');
  await command(slack, 'U1', 'C1', 'iterations=400');
  await slack.waitForCall('chat.update', (c) => textOf(c).includes('Painting'));

  const waiting = await postPair(slack, 'U2');
  await command(slack, 'U2', 'C1', '');
  await expect.poll(() => jobTexts(slack, 'C1', waiting.ts)[0]).toMatch(/You're next in line/);
  await command(slack, 'U2', 'C1', 'cancel');
  expect((await slack.waitForResponse((r) => String(r.text).startsWith('Cancelled'))).text).toBe('Cancelled your picture.');
  await expect.poll(() => jobTexts(slack, 'C1', waiting.ts).at(-1)).toMatch(/Cancelled\. Nothing was painted\./);

  const { jobId, messageTs } = await cancelButton(slack, running.ts);
  const click = (user: string) =>
    slack.send('interactive', buttonClick({ user, channel: 'C1', messageTs, threadTs: running.ts, actionId: CANCEL_ACTION, value: jobId, responseUrl: slack.responseUrl() }));
  await click('U2');
  const refusal = await slack.waitForCall('chat.postEphemeral');
  expect(refusal.args).toMatchObject({ user: 'U2', text: 'Only the person who asked for this picture can cancel it.' });

  await click('U1');
  await expect.poll(() => jobTexts(slack, 'C1', running.ts).at(-1)).toMatch(/Cancelled\. Nothing was painted\./);
  expect(slack.uploads).toEqual([]);
  expect(bot().queue.waiting + bot().queue.running).toBe(0);

  await command(slack, 'U1', 'C1', 'cancel');
  expect((await slack.waitForResponse((r) => String(r.text).startsWith('You'))).text).toBe("You don't have any pictures in progress.");
});
