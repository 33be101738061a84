import { expect, test } from 'vitest';
import { reactionAdded } from '../standins/slack/envelopes.js';
import { command, photo, postJpeg, useBot } from './harness.js';

const bot = useBot({ channels: ['C1', 'C2'] });

test('outside the allow-list the bot says, only to the asker, where it works', async () => {
  const { slack } = bot();
  postJpeg(slack, 'U1', 'C9', await photo());
  const picture = postJpeg(slack, 'U1', 'C9', await photo('kitten.jpg'));

  await command(slack, 'U1', 'C9', '');
  const reply = await slack.waitForResponse();
  expect(reply).toMatchObject({
    response_type: 'ephemeral',
    text: 'Sorry, I only paint in <#C1> or <#C2>. Come and find me there! 🎨',
  });

  await slack.send(
    'events_api',
    reactionAdded({ user: 'U2', channel: 'C9', ts: picture.ts, reaction: 'ocean', itemUser: 'U1' }),
  );
  const ephemeral = await slack.waitForCall('chat.postEphemeral');
  expect(ephemeral.args).toMatchObject({
    channel: 'C9',
    user: 'U2',
    text: 'Sorry, I only paint in <#C1> or <#C2>. Come and find me there! 🎨',
  });
  // Nothing of a channel outside the list is read, for the command or the reaction.
  expect(slack.calls.filter((call) => call.method.startsWith('conversations.'))).toEqual([]);

  expect(slack.callsOf('chat.postMessage')).toEqual([]);
  expect(bot().queue.waiting + bot().queue.running).toBe(0);
});

test('inside the allow-list the same request is served', async () => {
  const { slack } = bot();
  postJpeg(slack, 'U1', 'C2', await photo());
  postJpeg(slack, 'U1', 'C2', await photo('kitten.jpg'));

  await command(slack, 'U1', 'C2', '');
  (await bot().engine.nextRun()).finish();
  const upload = await slack.waitForUpload();
  expect(upload.channel).toBe('C2');
  expect(slack.responses).toEqual([]);
});
