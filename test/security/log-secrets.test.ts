import { randomBytes } from 'node:crypto';
import type { DestinationStream } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.js';
import { ControlledEngine } from '../jobs/controlled-engine.js';
import * as discord from '../discord/harness.js';
import * as slack from '../slack/harness.js';

/** Issue 8, part 5: no token reaches the log, whatever shape it is logged in, in a whole run at debug level. */

function capture(): { lines: string[]; sink: DestinationStream } {
  const lines: string[] = [];
  return { lines, sink: { write: (line: string) => void lines.push(line) } };
}

/** The lines that contain any of `secrets`, for a readable failure. */
function leaking(lines: readonly string[], secrets: readonly string[]): string[] {
  return lines.filter((line) => secrets.some((secret) => line.includes(secret)));
}

/** Shaped like a real one: the bot's id in base64, a timestamp, an HMAC. */
const DISCORD_TOKEN = `MTA5ODc2NTQzMjEwOTg3NjU0Mw.Gx1y2z.${randomBytes(28).toString('base64url')}`;
const SLACK_TOKENS = [
  'xoxb-1111-2222-abcdefABCDEF',
  'xoxp-1111-2222-3333-abcdef',
  'xoxe.xoxp-1-abcdef',
  'xapp-1-A111-222-abcdef',
];
const INTERACTION_TOKEN = 'aW50ZXJhY3Rpb246MTIz';

describe('log redaction', () => {
  it('scrubs secrets by key at any depth and in either case, and token shapes from any string', () => {
    const { lines, sink } = capture();
    const log = createLogger('trace', sink).child({ platform: 'test' });
    const failed = `request to https://slack.com/api/chat.postMessage?token=${SLACK_TOKENS[0]} failed`;
    const clientError = Object.assign(new Error(failed), {
      config: { headers: { authorization: 'Bearer opaque-secret-1', Authorization: 'Bearer opaque-secret-2' } },
    });
    log.info({ headers: { Authorization: 'opaque-secret-3' }, token: 'opaque-secret-4' }, 'request');
    log.error({ err: clientError }, 'client error');
    log.warn({ req: { options: { headers: { authorization: 'opaque-secret-5' } } } }, 'deep');
    log.debug({ botToken: 'opaque-secret-6', appToken: 'opaque-secret-7', signingSecret: 'opaque-secret-8' }, 'config');
    log.info(`login with Bot ${DISCORD_TOKEN} and ${DISCORD_TOKEN}`);
    log.info(`Slack tokens ${SLACK_TOKENS.join(', ')}`);
    log.trace({ payload: { response_url: 'https://hooks.slack.com/commands/T1/123/opaque-secret-9' } }, 'envelope');
    const webhook = `https://discord.com/api/v10/webhooks/123456/${INTERACTION_TOKEN}/messages/@original`;
    log.error({ err: new Error(`Invalid Webhook Token ${webhook}`) }, 'edit');
    log.error({ err: new Error('connect ECONNREFUSED redis://easel:opaque-secret-10@redis:6379/0') }, 'redis');

    const opaque = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => `opaque-secret-${n}`);
    const secrets = [...SLACK_TOKENS, DISCORD_TOKEN, INTERACTION_TOKEN, ...opaque];
    expect(lines).toHaveLength(9);
    expect(leaking(lines, secrets)).toEqual([]);
    expect(lines.join('')).toContain('Bot [token]');
    expect(lines.join('')).toContain('/webhooks/123456/[token]/messages/@original');
    expect(lines.join('')).toContain('hooks.slack.com/commands/[token]');
    expect(lines.join('')).toContain('redis://easel:[token]@redis:6379/0');
  });
});

describe('a whole run at debug level', () => {
  it('on Discord, logs neither the bot token nor interaction tokens', async () => {
    const { lines, sink } = capture();
    const logger = createLogger('debug', sink);
    const bot = await discord.startBot(new ControlledEngine().finishEveryRun(), { logger, token: DISCORD_TOKEN });
    const { standIn } = bot;
    try {
      const content = standIn.hostFile('kitten.jpg', await discord.sharedImage('content/kitten.jpg'), 'image/jpeg');
      const wave = await discord.sharedImage('styles/hokusai_great_wave.jpg');
      const style = standIn.hostFile('wave.jpg', wave, 'image/jpeg');
      const sent = standIn.sendCommand(
        discord.user('alice'),
        'stylize',
        [
          { name: 'content', type: 11, value: content.id },
          { name: 'style', type: 11, value: style.id },
        ],
        [content, style],
      );
      const reply = await discord.waitFor('the reply', () => standIn.originalResponse(sent));
      await discord.waitFor('the result', () => /Done in/.test(reply.content));
      // A refused download logs its cause.
      const bad = standIn.redirectFile('bad.png', 'http://169.254.169.254/latest/meta-data/');
      const refused = standIn.sendCommand(
        discord.user('bob'),
        'stylize',
        [
          { name: 'content', type: 11, value: bad.id },
          { name: 'preset', type: 3, value: 'great_wave' },
        ],
        [bad],
      );
      const refusal = await discord.waitFor('the refusal', () => standIn.originalResponse(refused));
      await discord.waitFor('the refusal text', () => refusal.content.includes("couldn't download"));

      const logged = lines.join('');
      expect(logged).toContain('discord ready');
      expect(logged).toContain('download failed');
      expect(leaking(lines, [DISCORD_TOKEN, sent.token, refused.token])).toEqual([]);
    } finally {
      await bot.stop();
      await discord.cleanScratch();
    }
  });

  it('on Slack, logs neither the bot or app token nor a response_url, and keeps Bolt at info', async () => {
    const { lines, sink } = capture();
    const bot = await slack.startBot(new ControlledEngine().finishEveryRun(), { logger: createLogger('debug', sink) });
    const standIn = bot.slack;
    try {
      slack.postJpeg(standIn, 'U1', 'C1', await slack.photo());
      slack.postJpeg(standIn, 'U1', 'C1', await slack.painting());
      await slack.command(standIn, 'U1', 'C1', 'iterations=3');
      await standIn.waitForUpload();
      const file = { channel: 'C1', user: 'U2', mimetype: 'image/jpeg' };
      standIn.postFile({ ...file, name: 'a.jpg', bytes: await slack.photo(), url: 'https://example.com/a.jpg' });
      standIn.postFile({ ...file, name: 'b.jpg', bytes: await slack.painting() });
      await slack.command(standIn, 'U2', 'C1', '');
      await standIn.waitForResponse((r) => String(r.text).includes("couldn't download"));
    } finally {
      await bot.stop();
    }
    const logged = lines.join('');
    expect(logged).toContain('slack job requested');
    expect(logged).toContain('download failed');
    expect(lines.filter((line) => line.includes('"component":"') && line.includes('"level":20'))).toEqual([]);
    expect(leaking(lines, [standIn.botToken, standIn.appToken, '/respond/'])).toEqual([]);
  });
});
