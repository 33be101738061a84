import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JsonObject } from '../standins/slack/server.js';
import { ControlledEngine } from '../jobs/controlled-engine.js';
import { command, painting, photo, postJpeg, startBot, type Bot } from '../slack/harness.js';

/**
 * Issue 8, part 1, through the real Bolt app: a file whose url_private names another host must not get the bot
 * token (nor any request), and external files are never fetched.
 */

let bot: Bot;
let elsewhere: Server;
let elsewhereBase: string;
const received: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  elsewhere = createServer((req, res) => {
    received.push(req.headers);
    res.writeHead(200, { 'content-type': 'image/jpeg' }).end();
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  elsewhereBase = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
});

beforeEach(async () => {
  received.length = 0;
  bot = await startBot(new ControlledEngine().finishEveryRun());
});

afterEach(async () => {
  await bot.stop();
});

afterAll(async () => {
  elsewhere.closeAllConnections();
  await new Promise((resolve) => elsewhere.close(resolve));
});

async function answerTo(user: string): Promise<JsonObject> {
  const { slack } = bot;
  const before = slack.responses.length;
  await command(slack, user, 'C1', '');
  return slack.waitForResponse((r) => slack.responses.indexOf(r) >= before);
}

describe('Slack downloads', () => {
  it('never sends the bot token to a url_private on another host', async () => {
    const { slack } = bot;
    postJpeg(slack, 'U1', 'C1', await photo());
    const url = `${elsewhereBase}/files-pri/T1-F1/style.jpg`;
    slack.postFile({
      channel: 'C1',
      user: 'U1',
      name: 'style.jpg',
      mimetype: 'image/jpeg',
      bytes: await painting(),
      url,
    });
    expect(await answerTo('U1')).toMatchObject({
      response_type: 'ephemeral',
      text:
        "I couldn't download the style image. " +
        'Please upload the picture itself here (not a link to it), under 2 MB, and try again.',
    });
    expect(received).toEqual([]);
    expect(slack.downloads.every((d) => d.authorized)).toBe(true);
  });

  it('skips external files when looking for the images to paint', async () => {
    const { slack } = bot;
    postJpeg(slack, 'U2', 'C1', await photo());
    const url = `${elsewhereBase}/drive.jpg`;
    const bytes = await painting();
    slack.postFile({
      channel: 'C1',
      user: 'U2',
      name: 'drive.jpg',
      mimetype: 'image/jpeg',
      bytes,
      url,
      external: true,
    });
    expect((await answerTo('U2')).text).toMatch(/^I found only one image from you here/);
    expect(received).toEqual([]);
  });
});
