import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../standins/discord/server.js';
import { ControlledEngine } from '../jobs/controlled-engine.js';
import {
  LEAKS,
  botRepliesTo,
  cleanScratch,
  sharedImage,
  startBot,
  user,
  waitFor,
  type Bot,
} from '../discord/harness.js';

/**
 * Issue 8, part 1, through the real discord.js bot: a member's link to a server inside, and an attachment whose
 * CDN address redirects there. The inside server must never be asked for anything, and the member is told to
 * upload the picture instead.
 */

const REFUSED = new RegExp(
  "^⚠️ I couldn't download the (content image|image)\\. " +
    'Please upload the picture itself here \\(not a link to it\\), under 2 MB, and try again\\.$',
);

let bot: Bot;
let internal: Server;
let internalBase: string;
const internalRequests: string[] = [];

beforeAll(async () => {
  internal = createServer((req, res) => {
    internalRequests.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'image/jpeg' }).end();
  });
  await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
  internalBase = `http://127.0.0.1:${(internal.address() as AddressInfo).port}`;
  bot = await startBot(new ControlledEngine().finishEveryRun());
});

afterAll(async () => {
  await bot?.stop();
  internal.closeAllConnections();
  await new Promise((resolve) => internal.close(resolve));
  await cleanScratch();
});

function lastLine(message: StoredMessage): string {
  return message.content.split('\n').at(-1) ?? '';
}

describe('Discord downloads', () => {
  it("paints an embed from Discord's proxy copy and never fetches the member's own link", async () => {
    const { standIn } = bot;
    const proxied = standIn.hostFile('bird.jpg', await sharedImage('content/robin.jpg'), 'image/jpeg');
    const link = `${internalBase}/bird.jpg`;
    const message = standIn.postUserMessage(
      user('olivia'),
      standIn.channelId,
      link,
      [],
      [{ type: 'image', url: link, image: { url: link, proxy_url: proxied.proxy_url, width: 64, height: 64 } }],
    );
    standIn.addReaction(user('peggy'), message, '🌊');
    const painted = (m: StoredMessage): boolean => m.attachments.some((a) => a.filename === 'result.png');
    await waitFor('the result', () => standIn.messagesIn(message.id).find(painted));
    expect(internalRequests).toEqual([]);
  });

  it('refuses an embed that points at a loopback server, with the same message as any failed download', async () => {
    const { standIn } = bot;
    const link = `${internalBase}/admin/export.png`;
    const message = standIn.postUserMessage(
      user('olivia'),
      standIn.channelId,
      link,
      [],
      [{ type: 'image', url: link, image: { url: link, proxy_url: link }, thumbnail: { url: link, proxy_url: link } }],
    );
    standIn.addReaction(user('rupert'), message, '😱');
    const refusal = await waitFor('the refusal', () =>
      botRepliesTo(standIn, message).find((m) => REFUSED.test(lastLine(m))),
    );
    expect(refusal.content).not.toMatch(LEAKS);
    expect(internalRequests).toEqual([]);
  });

  it('refuses an attachment whose CDN address redirects to a loopback server', async () => {
    const { standIn } = bot;
    const content = standIn.redirectFile('photo.png', `${internalBase}/latest/meta-data/`);
    const sent = standIn.sendCommand(
      user('trent'),
      'stylize',
      [
        { name: 'content', type: 11, value: content.id },
        { name: 'preset', type: 3, value: 'great_wave' },
      ],
      [content],
    );
    const reply = await waitFor('the reply', () => standIn.originalResponse(sent));
    await waitFor('the refusal', () => REFUSED.test(reply.content));
    expect(internalRequests).toEqual([]);
  });
});
