import { expect, test } from 'vitest';
import { CANCEL_ACTION } from '../../src/slack/blocks.js';
import { buttonClick } from '../standins/slack/envelopes.js';
import type { ApiCall, SlackStandIn, StoredMessage } from '../standins/slack/server.js';
import { command, jobTexts, painting, photo, postJpeg, useBot } from './harness.js';

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

test('four users at once on one slot: each sees a place in line, moves up, and gets a result, in order', async () => {
  const { slack, engine } = bot();
  const users = ['U1', 'U2', 'U3', 'U4'];
  const threads: StoredMessage[] = [];
  for (const user of users) {
    threads.push(await postPair(slack, user));
    await command(slack, user, 'C1', '');
    // One after another, so the places are known.
    await expect.poll(() => jobTexts(slack, 'C1', threads.at(-1)!.ts).length).toBeGreaterThan(0);
  }
  const latest = (index: number): string | undefined => jobTexts(slack, 'C1', threads[index]!.ts).at(-1);
  let run = await engine.nextRun();
  await expect.poll(() => latest(0)).toMatch(/Starting to paint/);
  await expect
    .poll(() => [1, 2, 3].map(latest))
    .toEqual([
      expect.stringMatching(/You're next in line/),
      expect.stringMatching(/You're #2 in line/),
      expect.stringMatching(/You're #3 in line/),
    ]);

  for (const [index, user] of users.entries()) {
    run.finish();
    const upload = await slack.waitForUpload((u) => u.threadTs === threads[index]!.ts);
    expect(upload.comment).toContain(`<@${user}>`);
    expect(slack.uploads).toHaveLength(index + 1);
    if (index === 0)
      await expect
        .poll(() => [2, 3].map(latest))
        .toEqual([expect.stringMatching(/You're next in line/), expect.stringMatching(/You're #2 in line/)]);
    if (index < users.length - 1) run = await engine.nextRun();
  }
  await expect
    .poll(() => threads.map((_, index) => latest(index)))
    .toEqual(Array(4).fill(expect.stringMatching(/Done in/)));
});

test('a waiting job is cancelled with /stylize cancel, a running one with its button, and only by its owner', async () => {
  const { slack, engine } = bot();
  const running = await postPair(slack, 'U1');
  await command(slack, 'U1', 'C1', 'iterations=400');
  const run = await engine.nextRun();
  run.progress(1);
  await expect.poll(() => jobTexts(slack, 'C1', running.ts).at(-1)).toMatch(/Painting… 0% · iteration 1\/400/);

  const waiting = await postPair(slack, 'U2');
  await command(slack, 'U2', 'C1', '');
  await expect.poll(() => jobTexts(slack, 'C1', waiting.ts)[0]).toMatch(/You're next in line/);
  await command(slack, 'U2', 'C1', 'cancel');
  expect((await slack.waitForResponse((r) => String(r.text).startsWith('Cancelled'))).text).toBe(
    'Cancelled your picture.',
  );
  await expect.poll(() => jobTexts(slack, 'C1', waiting.ts).at(-1)).toMatch(/Cancelled\. Nothing was painted\./);

  const { jobId, messageTs } = await cancelButton(slack, running.ts);
  const click = (user: string) =>
    slack.send(
      'interactive',
      buttonClick({
        user,
        channel: 'C1',
        messageTs,
        threadTs: running.ts,
        actionId: CANCEL_ACTION,
        value: jobId,
        responseUrl: slack.responseUrl(),
      }),
    );
  await click('U2');
  const refusal = await slack.waitForCall('chat.postEphemeral');
  expect(refusal.args).toMatchObject({ user: 'U2', text: 'Only the person who asked for this picture can cancel it.' });
  expect(run.aborted).toBe(false);

  await click('U1');
  await expect.poll(() => jobTexts(slack, 'C1', running.ts).at(-1)).toMatch(/Cancelled\. Nothing was painted\./);
  expect(run.aborted).toBe(true);
  expect(slack.uploads).toEqual([]);
  expect(bot().queue.waiting + bot().queue.running).toBe(0);
  expect(engine.runs).toHaveLength(1);

  await command(slack, 'U1', 'C1', 'cancel');
  expect((await slack.waitForResponse((r) => String(r.text).startsWith('You'))).text).toBe(
    "You don't have any pictures in progress.",
  );
});
