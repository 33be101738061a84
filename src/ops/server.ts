import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { UserError } from '../errors.js';
import type { Readiness } from './readiness.js';

export interface OpsServerOptions {
  readonly host: string;
  /** 0 picks a free port; `url` says which. */
  readonly port: number;
  readonly registry: Registry;
  readonly readiness: Readiness;
  readonly logger: Logger;
}

export interface OpsServer {
  /** Base URL, e.g. http://127.0.0.1:9464 */
  readonly url: string;
  /** Stops listening and drops open connections; safe to call twice. */
  close(): Promise<void>;
}

/** Why a server could not listen, ending "The … port 127.0.0.1:9464 …": in use, not allowed, not this machine's. */
export function whyNotListening(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException).code;
  return code === 'EADDRINUSE'
    ? 'is in use by another program'
    : code === 'EACCES'
      ? 'needs privileges easel does not have'
      : code === 'EADDRNOTAVAIL'
        ? 'is not an address of this machine'
        : `could not be opened (${code ?? String(cause)})`;
}

/** The ops port could not be opened: in use, or an address this machine does not have. */
export class OpsPortError extends UserError {
  constructor(host: string, port: number, cause: unknown) {
    const why = whyNotListening(cause);
    super('ops-port', `The ops port ${host}:${port} ${why}. Set EASEL_OPS_PORT or EASEL_OPS_HOST to another one.`, {
      cause,
    });
  }
}

interface Reply {
  readonly status: number;
  readonly type: string;
  readonly body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';

function json(status: number, value: unknown): Reply {
  return { status, type: JSON_TYPE, body: `${JSON.stringify(value)}\n` };
}

/**
 * Serves /livez (the process answers), /readyz (every readiness check passes, else 503 naming the failing ones)
 * and /metrics (Prometheus text format) on their own port, apart from anything members reach.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const { host, port, registry, readiness, logger } = options;
  const log = logger.child({ component: 'ops' });

  const routes: Readonly<Record<string, () => Promise<Reply>>> = {
    '/livez': () => Promise.resolve(json(200, { status: 'ok' })),
    '/readyz': async () => {
      const report = await readiness.report();
      for (const { name, error } of report.results) {
        if (error !== undefined) log.warn({ err: error, check: name }, 'readiness check failed');
      }
      const checks = Object.fromEntries(report.results.map(({ name, ok }) => [name, ok]));
      const failing = report.results.filter(({ ok }) => !ok).map(({ name }) => name);
      return json(report.ready ? 200 : 503, { ready: report.ready, failing, checks });
    },
    '/metrics': async () => ({ status: 200, type: registry.contentType, body: await registry.metrics() }),
  };

  const replyTo = async (req: IncomingMessage, path: string): Promise<Reply> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: 'only GET and HEAD' });
    const route = routes[path];
    if (!route) return json(404, { error: 'not found', endpoints: Object.keys(routes) });
    try {
      return await route();
    } catch (err) {
      log.error({ err, path }, 'ops endpoint failed');
      return json(500, { error: 'internal error' });
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const reply = await replyTo(req, path);
    if (reply.status === 405) res.setHeader('allow', 'GET, HEAD');
    res.writeHead(reply.status, { 'content-type': reply.type, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : reply.body);
    const ms = Math.round(performance.now() - started);
    log.debug({ method: req.method, path, status: reply.status, ms }, 'ops request');
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new OpsPortError(host, port, err)));
    server.listen(port, host, () => resolve());
  });
  server.on('error', (err) => log.error({ err }, 'ops server error'));
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  log.info({ url }, 'ops endpoints listening (/livez, /readyz, /metrics)');

  let closing: Promise<void> | undefined;
  return {
    url,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections from a scraper would otherwise hold close() open until they time out.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
