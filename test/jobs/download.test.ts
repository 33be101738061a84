import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DownloadFailedError,
  DownloadTimeoutError,
  DownloadTooLargeError,
  downloadImage,
} from '../../src/jobs/download.js';

const BODY = Buffer.alloc(5000, 7);
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    switch (req.url) {
      case '/file':
        res.writeHead(200, { 'content-length': BODY.length, 'x-auth': req.headers.authorization ?? '' }).end(BODY);
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

const limits = { maxBytes: 10_000, timeoutMs: 2000 };

describe('downloadImage', () => {
  it('returns the bytes of a file within the cap', async () => {
    expect(Buffer.from(await downloadImage(`${base}/file`, limits)).equals(BODY)).toBe(true);
  });

  it('sends the given headers', async () => {
    const bytes = await downloadImage(`${base}/private`, { ...limits, headers: { authorization: 'Bearer secret' } });
    expect(bytes.byteLength).toBe(BODY.length);
    await expect(downloadImage(`${base}/private`, limits)).rejects.toBeInstanceOf(DownloadFailedError);
  });

  it('refuses a file whose announced size is over the cap', async () => {
    await expect(downloadImage(`${base}/file`, { ...limits, maxBytes: 100, what: 'style image' })).rejects.toThrow(
      new DownloadTooLargeError(100, 'style image'),
    );
  });

  it('stops reading a stream that grows past the cap', async () => {
    await expect(downloadImage(`${base}/chunked`, limits)).rejects.toBeInstanceOf(DownloadTooLargeError);
  });

  it('gives up on a download that stalls', async () => {
    const err = await downloadImage(`${base}/slow`, { ...limits, timeoutMs: 200, what: 'content image' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadTimeoutError);
    expect((err as Error).message).toBe('The content image took too long to download. Please try again, or send a smaller file.');
  });

  it('reports HTTP errors and unreachable hosts without their details', async () => {
    const missing = await downloadImage(`${base}/missing`, limits).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DownloadFailedError);
    expect((missing as Error).message).not.toContain('404');
    const closedPort = `http://127.0.0.1:1/x.png`;
    await expect(downloadImage(closedPort, limits)).rejects.toBeInstanceOf(DownloadFailedError);
  });
});
