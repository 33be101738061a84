import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pinoHttp } from 'pino-http';
import type { PlaygroundConfig } from '../config/playground.js';
import { UserError } from '../errors.js';
import type { PlatformDeps, RunningPlatform } from '../jobs/platform.js';
import { whyNotListening } from '../ops/server.js';
import { Access } from './access.js';
import { PlaygroundJobs } from './jobs.js';
import { loadPage, setupFor, Thumbnails } from './page.js';
import { handler } from './server.js';

export type { PageFrame } from './page-job.js';

/** The running playground; `url` is where a browser opens it, e.g. http://127.0.0.1:8080/. */
export interface RunningPlayground extends RunningPlatform {
  readonly url: string;
}

/** The playground's port could not be opened: in use, or an address this machine does not have. */
export class PlaygroundPortError extends UserError {
  constructor(host: string, port: number, cause: unknown) {
    super(
      'playground-port',
      `The playground's address ${host}:${port} ${whyNotListening(cause)}. Set PORT or EASEL_PLAYGROUND_HOST to ` +
        'another one, or EASEL_PLAYGROUND=off.',
      { cause },
    );
  }
}

/** Only the path is logged: a query can hold the secret, and headers hold cookies. */
function pathOf(url: string | undefined): string {
  return (url ?? '/').split('?')[0] ?? '/';
}

/**
 * Serves the playground: one page where a visitor paints a photo in the style of a painting or a preset, in the same
 * queue as the chat platforms, and follows the job over Server-Sent Events through to the download.
 */
export async function startPlayground(deps: PlatformDeps, config: PlaygroundConfig): Promise<RunningPlayground> {
  const logger = deps.logger.child({ platform: 'playground' });
  const jobs = new PlaygroundJobs(deps, logger);
  const handle = handler({
    page: await loadPage(),
    setup: setupFor(deps),
    thumbnails: new Thumbnails(deps.presets),
    jobs,
    access: new Access(config.token),
    logger,
  });
  const logRequest = pinoHttp({
    logger,
    serializers: {
      req: (req: IncomingMessage & { id?: unknown }) => ({ id: req.id, method: req.method, path: pathOf(req.url) }),
      res: (res: ServerResponse) => ({ status: res.statusCode }),
    },
    // Page loads and job posts are worth a line each; the page's many small GETs (events, previews) only at debug.
    customLogLevel: (req, res, err) =>
      err !== undefined || res.statusCode >= 500
        ? 'error'
        : res.statusCode >= 400
          ? 'warn'
          : req.method === 'POST' || pathOf(req.url) === '/'
            ? 'info'
            : 'debug',
  });

  const server = createServer((req, res) => {
    logRequest(req, res);
    handle(req, res).catch((err: unknown) => {
      logger.error({ err, path: pathOf(req.url) }, 'playground request failed');
      if (res.headersSent) res.destroy();
      else {
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(
          `${JSON.stringify({ error: 'Sorry, something went wrong on my side. Please try again in a minute.' })}\n`,
        );
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new PlaygroundPortError(config.host, config.port, err)));
    server.listen(config.port, config.host, () => resolve());
  });
  server.on('error', (err) => logger.error({ err }, 'playground server error'));
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}/`;
  logger.info({ url }, 'playground ready');

  let stopping: Promise<void> | undefined;
  return {
    name: 'playground',
    url,
    // Visitors come to it: it is there while it listens.
    connected: () => server.listening,
    restorer: jobs,
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        jobs.close();
        server.close(() => resolve());
        // Event streams and keep-alive connections would otherwise hold close() open.
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}
