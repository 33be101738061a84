import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { discordMediaPolicy } from '../../src/discord/images.js';
import {
  DownloadFailedError,
  downloadImage,
  isAllowed,
  type DownloadFailure,
  type DownloadPolicy,
} from '../../src/jobs/download.js';
import { slackFilePolicy } from '../../src/slack/fetch-image.js';

/**
 * The attacks of issue 8, part 1, on the download module itself: links and redirects that lead off the platform
 * to loopback, link-local and private addresses, long redirect chains, and a token sent to the wrong host.
 * "platform" plays the configured API base (as the stand-ins do); "internal" is another service on the same
 * machine, which must never be reached.
 */

interface Recorded {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

interface TestServer {
  readonly base: string;
  readonly requests: Recorded[];
  readonly server: Server;
}

const PNG = Buffer.from('89504e470d0a1a0a', 'hex');

type Answer = { status: number; location?: string };

async function listen(handle: (url: string, base: string) => Answer): Promise<TestServer> {
  const requests: Recorded[] = [];
  let base = '';
  const server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    const { status, location } = handle(req.url ?? '', base);
    const headers = location === undefined ? { 'content-type': 'image/png' } : { location };
    res.writeHead(status, headers).end(status === 200 ? PNG : undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, requests, server };
}

let internal: TestServer;
let platform: TestServer;

beforeAll(async () => {
  internal = await listen(() => ({ status: 200 }));
  platform = await listen((url, base) => {
    const hops = /^\/chain\/(\d+)$/.exec(url);
    if (hops) {
      const left = Number(hops[1]);
      return left === 0 ? { status: 200 } : { status: 302, location: `${base}/chain/${left - 1}` };
    }
    const to = /^\/to\?(.*)$/.exec(url);
    if (to) return { status: 302, location: decodeURIComponent(to[1] ?? '') };
    return { status: 200 };
  });
});

afterEach(() => {
  internal.requests.length = 0;
  platform.requests.length = 0;
});

afterAll(async () => {
  for (const { server } of [internal, platform]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const limits = { maxBytes: 1024 * 1024, timeoutMs: 3000 };

async function refusal(url: string, policy: DownloadPolicy): Promise<DownloadFailure> {
  const err = await downloadImage(url, { policy, ...limits }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DownloadFailedError);
  return (err as DownloadFailedError).reason;
}

const redirectTo = (location: string): string => `${platform.base}/to?${encodeURIComponent(location)}`;

describe('downloads go to the platform only', () => {
  it("downloads the platform's own files, through up to three redirects", async () => {
    const policy = discordMediaPolicy(`${platform.base}/api`);
    expect(Buffer.from(await downloadImage(`${platform.base}/chain/3`, { policy, ...limits })).equals(PNG)).toBe(true);
    expect(platform.requests.map((r) => r.url)).toEqual(['/chain/3', '/chain/2', '/chain/1', '/chain/0']);
  });

  it('refuses a link to another server on a loopback address without connecting to it', async () => {
    const policy = discordMediaPolicy(`${platform.base}/api`);
    expect(await refusal(`${internal.base}/admin.png`, policy)).toBe('refused-host');
    expect(internal.requests).toEqual([]);
  });

  it('refuses a redirect from a good host to loopback, link-local or a private range', async () => {
    const policy = discordMediaPolicy(`${platform.base}/api`);
    for (const target of [
      `${internal.base}/admin.png`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/',
      'http://[::1]:80/',
      'http://localhost/',
      'https://cdn.discordapp.com.evil.example/x.png',
    ]) {
      expect(await refusal(redirectTo(target), policy)).toBe('refused-host');
    }
    expect(internal.requests).toEqual([]);
  });

  it('stops at the fourth redirect', async () => {
    const policy = discordMediaPolicy(`${platform.base}/api`);
    expect(await refusal(`${platform.base}/chain/4`, policy)).toBe('too-many-redirects');
    expect(platform.requests).toHaveLength(4);
  });

  it('refuses an allowed host name that resolves to a loopback address, before connecting', async () => {
    // `localhost` stands for a platform host whose DNS answer was made to point inside.
    const policy: DownloadPolicy = { hosts: [/^localhost$/], apiBase: undefined };
    expect(await refusal('https://localhost/x.png', policy)).toBe('refused-address');
    const literal: DownloadPolicy = { hosts: [/^127\.0\.0\.1$/, /^\[::1\]$/], apiBase: undefined };
    expect(await refusal('https://127.0.0.1/x.png', literal)).toBe('refused-address');
    expect(await refusal('https://[::1]/x.png', literal)).toBe('refused-address');
  });

  it("allows the API base's own address and port only, not another port on the same address", async () => {
    const policy = slackFilePolicy({ botToken: 'xoxb-1-secret', apiUrl: `${platform.base}/api/` });
    const bytes = await downloadImage(`${platform.base}/files-pri/T1-F1/a.png`, { policy, ...limits });
    expect(bytes.byteLength).toBe(PNG.length);
    expect(await refusal(`${internal.base}/files-pri/T1-F1/a.png`, policy)).toBe('refused-host');
    expect(internal.requests).toEqual([]);
  });

  it("never sends Slack's token to another host, even by a redirect", async () => {
    const policy = slackFilePolicy({ botToken: 'xoxb-1-secret', apiUrl: `${platform.base}/api/` });
    expect(await refusal(`${internal.base}/files-pri/T1-F1/a.png`, policy)).toBe('refused-host');
    expect(await refusal(redirectTo(`${internal.base}/steal`), policy)).toBe('refused-host');
    expect(await refusal('http://files.slack.com/files-pri/T1-F1/a.png', policy)).toBe('refused-host');
    expect(internal.requests).toEqual([]);
    expect(platform.requests.map((r) => r.headers.authorization)).toEqual(['Bearer xoxb-1-secret']);
  });

  it("knows each platform's real file hosts", () => {
    const allowed = (policy: DownloadPolicy, url: string): boolean => isAllowed(policy, new URL(url));
    const discord = discordMediaPolicy(undefined);
    expect(allowed(discord, 'https://cdn.discordapp.com/attachments/1/2/a.png')).toBe(true);
    expect(allowed(discord, 'https://media.discordapp.net/attachments/1/2/a.png')).toBe(true);
    expect(allowed(discord, 'https://images-ext-1.discordapp.net/external/abc/https/example.com/a.png')).toBe(true);
    expect(allowed(discord, 'https://example.com/a.png')).toBe(false);
    expect(allowed(discord, 'https://evil-cdn.discordapp.com/a.png')).toBe(false);
    expect(allowed(discord, 'http://cdn.discordapp.com/a.png')).toBe(false);
    expect(allowed(discord, 'https://cdn.discordapp.com:8443/a.png')).toBe(false);
    const slack = slackFilePolicy({ botToken: 'xoxb-1', apiUrl: undefined });
    expect(allowed(slack, 'https://files.slack.com/files-pri/T1-F1/a.png')).toBe(true);
    expect(allowed(slack, 'https://files.slack.com.evil.example/a.png')).toBe(false);
  });
});
