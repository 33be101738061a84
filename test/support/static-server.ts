import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, resolve, sep } from 'node:path';

/** A way to misbehave when serving one file, to test clients against broken servers. */
export type Fault =
  /** Answer with this HTTP status and no body. */
  | { readonly kind: 'status'; readonly status: number }
  /** Serve only the first `bytes` bytes, as a complete, well-formed response. */
  | { readonly kind: 'truncate'; readonly bytes: number }
  /** Serve the file with the byte at `offset` inverted. */
  | { readonly kind: 'flip'; readonly offset: number }
  /** Announce the full length, send `afterBytes` bytes, then drop the connection. */
  | { readonly kind: 'hang-up'; readonly afterBytes: number }
  /** Announce the full length, send `afterBytes` bytes, then send nothing more until the server closes. */
  | { readonly kind: 'stall'; readonly afterBytes: number };

export interface StaticServer {
  /** Base URL, ending in "/". */
  readonly url: string;
  /** Paths of all requests so far, e.g. "/model.json", in arrival order. */
  readonly requests: string[];
  /** Makes the server misbehave for `file` (a path relative to the served folder); `undefined` clears it. */
  setFault(file: string, fault: Fault | undefined): void;
  close(): Promise<void>;
}

/** Serves the files of `dir` read-only over http on 127.0.0.1 with a free port. */
export async function serveDirectory(dir: string, faults: Readonly<Record<string, Fault>> = {}): Promise<StaticServer> {
  const root = resolve(dir);
  const activeFaults = new Map(Object.entries(faults));
  const requests: string[] = [];

  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    requests.push(path);
    const file = resolve(root, `.${path}`);
    const name = relative(root, file).split(sep).join('/');
    if (request.method !== 'GET' || name.startsWith('..')) {
      response.writeHead(request.method === 'GET' ? 403 : 405).end();
      return;
    }
    readFile(join(root, name)).then(
      (bytes) => respond(response, bytes, activeFaults.get(name)),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    setFault(file, fault) {
      if (fault) activeFaults.set(file, fault);
      else activeFaults.delete(file);
    },
    close: () =>
      new Promise<void>((done, fail) => {
        server.close((error) => (error ? fail(error) : done()));
        server.closeAllConnections();
      }),
  };
}

function respond(response: ServerResponse, bytes: Buffer, fault: Fault | undefined): void {
  const contentType = { 'content-type': 'application/octet-stream' };
  switch (fault?.kind) {
    case undefined:
      response.writeHead(200, { ...contentType, 'content-length': bytes.byteLength }).end(bytes);
      return;
    case 'status':
      response.writeHead(fault.status).end();
      return;
    case 'truncate': {
      const kept = bytes.subarray(0, fault.bytes);
      response.writeHead(200, { ...contentType, 'content-length': kept.byteLength }).end(kept);
      return;
    }
    case 'flip': {
      const flipped = Buffer.from(bytes);
      flipped[fault.offset] = ~(flipped[fault.offset] ?? 0) & 0xff;
      response.writeHead(200, { ...contentType, 'content-length': flipped.byteLength }).end(flipped);
      return;
    }
    case 'hang-up':
    case 'stall':
      response.writeHead(200, { ...contentType, 'content-length': bytes.byteLength });
      response.write(bytes.subarray(0, fault.afterBytes), () => {
        if (fault.kind === 'hang-up') response.destroy();
      });
  }
}
