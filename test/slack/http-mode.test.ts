import { expect, test } from 'vitest';
import { signedForm, slashCommand } from '../standins/slack/envelopes.js';
import { painting, photo, postJpeg, useBot } from './harness.js';

const SECRET = 'standin-signing-secret';

const bot = useBot({ signingSecret: SECRET });

/** POSTs a slash command the way Slack does in HTTP mode, signed with `secret`. */
function postCommand(text: string, secret: string): Promise<Response> {
  const command = slashCommand({ user: 'U1', channel: 'C1', text, responseUrl: bot().slack.responseUrl() });
  return fetch(bot().eventsUrl ?? '', { method: 'POST', ...signedForm(command, secret) });
}

test('in HTTP mode a signed /stylize is acked in the response and painted; an unsigned one is refused', async () => {
  const { slack } = bot();
  postJpeg(slack, 'U1', 'C1', await photo());
  const style = postJpeg(slack, 'U1', 'C1', await painting());

  expect((await postCommand('', 'wrong-secret')).status).toBe(401);
  expect(slack.calls.filter((c) => c.method.startsWith('conversations.'))).toEqual([]);

  const ack = await postCommand('', SECRET);
  expect(ack.status).toBe(200);
  (await bot().engine.nextRun()).finish();
  const upload = await slack.waitForUpload();
  expect(upload.threadTs).toBe(style.ts);
});
