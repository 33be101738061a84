import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DownloadFailedError,
  downloadImage,
  type DownloadFailure,
  type DownloadOptions,
} from '../../src/jobs/download.js';

const BODY = Buffer.alloc(5000, 7);
const MIB = 1024 * 1024;
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    switch (req.url) {
      case '/file':
        res.writeHead(200, { 'content-length': BODY.length }).end(BODY);
        return;
      case '/big':
        res.writeHead(200, { 'content-length': 3 * MIB }).end(Buffer.alloc(3 * MIB));
        return;
      case '/chunked':
        // No content-length: the cap has to be enforced while reading.
        res.writeHead(200);
        for (let i = 0; i < 10; i++) res.write(BODY);
        res.end();
        return;
      case '/slow':
        res.writeHead(200);
        res.write(BODY.subarray(0, 10));
        return;
      case '/private':
        res.writeHead(req.headers.authorization === 'Bearer secret' ? 200 : 403).end(BODY);
        return;
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** The test server plays the configured API base, the one origin allowed on a loopback address. */
function options(overrides: Partial<DownloadOptions> = {}): DownloadOptions {
  return { policy: { hosts: [], apiBase: base }, maxBytes: 10_000, timeoutMs: 2000, ...overrides };
}

async function failure(url: string, overrides: Partial<DownloadOptions> = {}): Promise<DownloadFailedError> {
  const err = await downloadImage(url, options(overrides)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DownloadFailedError);
  return err as DownloadFailedError;
}

describe('downloadImage', () => {
  it('returns the bytes of a file within the cap', async () => {
    expect(Buffer.from(await downloadImage(`${base}/file`, options())).equals(BODY)).toBe(true);
  });

  it("sends the policy's headers", async () => {
    const policy = { hosts: [], apiBase: base, headers: { authorization: 'Bearer secret' } };
    const bytes = await downloadImage(`${base}/private`, options({ policy }));
    expect(bytes.byteLength).toBe(BODY.length);
    expect((await failure(`${base}/private`)).reason).toBe<DownloadFailure>('http-status');
  });

  it('refuses a file whose announced size is over the cap', async () => {
    expect((await failure(`${base}/file`, { maxBytes: 100 })).reason).toBe<DownloadFailure>('too-large');
  });

  it('stops reading a stream that grows past the cap', async () => {
    expect((await failure(`${base}/chunked`)).reason).toBe<DownloadFailure>('too-large');
  });

  it('gives up on a download that stalls', async () => {
    expect((await failure(`${base}/slow`, { timeoutMs: 200 })).reason).toBe<DownloadFailure>('timeout');
  });

  it('tells the member the same thing whatever went wrong, naming the file and the size limit', async () => {
    const asked = { maxBytes: 2 * MIB, what: 'style image' };
    const failures = [
      await failure(`${base}/big`, asked),
      await failure(`${base}/slow`, { ...asked, timeoutMs: 200 }),
      await failure(`${base}/missing`, asked),
      await failure('http://127.0.0.1:1/x.png', asked),
    ];
    const reasons: DownloadFailure[] = ['too-large', 'timeout', 'http-status', 'refused-host'];
    expect(failures.map((err) => err.reason)).toEqual(reasons);
    const message =
      "I couldn't download the style image. " +
      'Please upload the picture itself here (not a link to it), under 2 MB, and try again.';
    expect(new Set(failures.map((err) => err.message))).toEqual(new Set([message]));
    expect(new Set(failures.map((err) => err.code))).toEqual(new Set(['download-failed']));
    expect((await failure(`${base}/missing`, { maxBytes: 25 * MIB })).message).toBe(
      "I couldn't download that image. Please upload the picture itself here (not a link to it), " +
        'under 25 MB, and try again.',
    );
  });

  it('reports a host that cannot be reached as a network failure', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const err = await failure(`${url}/x.png`, { policy: { hosts: [], apiBase: url } });
    expect(err.reason).toBe<DownloadFailure>('network');
  });
});
