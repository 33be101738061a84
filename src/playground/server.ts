import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { REMIX_ACTIONS } from '../jobs/remix/index.js';
import { Access, fromThisOrigin, newVisitor, visitorOf } from './access.js';
import { pageReply, type PlaygroundJobs } from './jobs.js';
import type { PageJob } from './page-job.js';
import type { Asset, Setup, Thumbnails } from './page.js';
import { maxFormBytes } from './uploads.js';

/** What the routes serve from. */
export interface PlaygroundSite {
  readonly page: ReadonlyMap<string, Asset>;
  readonly setup: Setup;
  readonly thumbnails: Thumbnails;
  readonly jobs: PlaygroundJobs;
  readonly access: Access;
  readonly logger: Logger;
}

/** The page loads nothing from elsewhere; its images are its own URLs. */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
};
/** On every answer: the token may be in the page's address, so nothing is sent as a referrer. */
const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
/** A quiet stream is cut by some proxies; a comment line now and then keeps it open. */
const HEARTBEAT_MS = 15_000;

/** Why a request was refused, for a private playground and for one on loopback addressed by another name. */
const REFUSALS = {
  private:
    'This easel playground is private. Open it with the link whoever runs it gave you, the one ending in ?token=…',
  loopback: 'This easel playground answers at its loopback address only, such as http://127.0.0.1:8080/.',
};

function refusalPage(message: string): string {
  return `<!doctype html><meta charset="utf-8"><title>easel</title><p>${message}</p>`;
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: Buffer | string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { ...COMMON_HEADERS, 'content-type': type, ...headers });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(value)}\n`);
}

function sendError(res: ServerResponse, status: number, message: string, field?: string): void {
  sendJson(res, status, { error: message, ...(field ? { field } : {}) });
}

/** The job's status frames as Server-Sent Events, until its last one. */
function streamEvents(req: IncomingMessage, res: ServerResponse, job: PageJob): void {
  res.writeHead(200, {
    ...COMMON_HEADERS,
    'content-type': 'text/event-stream; charset=utf-8',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 2000\n\n');
  const heartbeat = setInterval(() => res.write(': still here\n\n'), HEARTBEAT_MS).unref();
  // Set once following starts; a job already over is sent its last frame at once, before follow() returns.
  let unfollow = (): void => undefined;
  const stop = (): void => {
    clearInterval(heartbeat);
    unfollow();
  };
  unfollow = job.follow((frame) => {
    res.write(`data: ${JSON.stringify(frame)}\n\n`);
    if (!job.finished) return;
    stop();
    res.end();
  });
  req.on('close', stop);
}

function sendPng(res: ServerResponse, png: Buffer | undefined, filename?: string): void {
  if (png === undefined) return sendError(res, 404, 'There is no picture here yet.');
  const disposition: Record<string, string> = filename
    ? { 'content-disposition': `attachment; filename="${filename}"` }
    : {};
  send(res, 200, 'image/png', png, disposition);
}

/** "The Great Wave" → "easel-the-great-wave.png". */
function resultName(label: string): string {
  const slug = label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `easel-${slug || 'painting'}.png`;
}

type JobRoute = 'events' | 'preview.png' | 'result.png' | 'cancel';
const JOB_PATH = /^\/api\/jobs\/([0-9a-f-]{36})\/(events|preview\.png|result\.png|cancel)$/;
const REMIX_PATH = /^\/api\/jobs\/([0-9a-f-]{36})\/remix\/([a-z]{1,16})$/;
const PRESET_PATH = /^\/presets\/([a-z0-9_]{1,32})\.jpg$/;

/** Serves the page and its API; every request passes the Access check first. */
export function handler(site: PlaygroundSite): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { page, jobs, access } = site;
  const maxBody = maxFormBytes(jobs.uploads);

  const servePage = (req: IncomingMessage, res: ServerResponse): void => {
    const cookies = visitorOf(req) === undefined ? [newVisitor().cookie] : [];
    const html = page.get('/') as Asset;
    res.writeHead(200, { ...COMMON_HEADERS, ...PAGE_HEADERS, 'content-type': html.type, 'set-cookie': cookies });
    res.end(html.body);
  };

  /** `/?token=…` with the secret: keeps it in a cookie and shows the page's address without it. */
  const signIn = (req: IncomingMessage, res: ServerResponse, tokenCookie: string): void => {
    const cookies = visitorOf(req) === undefined ? [tokenCookie, newVisitor().cookie] : [tokenCookie];
    // The address bar, the history and any screenshot then show the page without its secret.
    res.writeHead(303, { ...COMMON_HEADERS, location: '/', 'set-cookie': cookies });
    res.end();
  };

  const serveJob = (req: IncomingMessage, res: ServerResponse, id: string, route: JobRoute, url: URL): void => {
    const visitor = visitorOf(req);
    const job = visitor === undefined ? undefined : jobs.get(id, visitor);
    if (visitor === undefined || job === undefined) {
      return sendError(res, 404, 'I have no such job for you; it may have ended a while ago.');
    }
    if (route === 'cancel') {
      if (req.method !== 'POST') return sendError(res, 405, 'Cancel with a POST.');
      const outcome = jobs.cancel(id, visitor);
      return sendJson(res, outcome === 'cancelled' ? 200 : 409, { outcome });
    }
    if (req.method !== 'GET') return sendError(res, 405, 'Only GET here.');
    if (route === 'events') return streamEvents(req, res, job);
    if (route === 'preview.png') return sendPng(res, job.preview);
    const label = job.frame?.label ?? 'painting';
    return sendPng(res, job.result, url.searchParams.has('download') ? resultName(label) : undefined);
  };

  /** A remix button: the new job's address to follow, or why there is none. */
  const remixJob = async (req: IncomingMessage, res: ServerResponse, id: string, action: string): Promise<void> => {
    if (req.method !== 'POST') return sendError(res, 405, 'Remix with a POST.');
    const visitor = visitorOf(req);
    if (visitor === undefined || !fromThisOrigin(req)) {
      return sendError(res, 403, 'I could not tell who sent that. Reload the page and try again.');
    }
    const known = REMIX_ACTIONS.find((candidate) => candidate === action);
    if (known === undefined || jobs.get(id, visitor) === undefined) {
      return sendError(res, 404, 'I have no such picture to remix for you; paint it again with the form.');
    }
    try {
      const job = await jobs.remix(id, known, visitor);
      sendJson(res, 201, { id: job.id, events: `/api/jobs/${job.id}/events` });
    } catch (err) {
      const reply = pageReply(err);
      if (reply.status >= 500) site.logger.error({ err, visitor, jobId: id, action }, 'playground remix failed');
      sendError(res, reply.status, reply.message);
    }
  };

  const createJob = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const visitor = visitorOf(req);
    if (visitor === undefined || !fromThisOrigin(req)) {
      return sendError(res, 403, 'I could not tell who sent that. Reload the page and try again.');
    }
    if (Number(req.headers['content-length'] ?? 0) > maxBody) {
      res.setHeader('connection', 'close');
      return sendError(res, 413, 'Those pictures are larger than I take. Send smaller or more compressed versions.');
    }
    try {
      const job = await jobs.create(req, visitor);
      sendJson(res, 201, { id: job.id, events: `/api/jobs/${job.id}/events` });
    } catch (err) {
      const reply = pageReply(err);
      if (reply.status >= 500) site.logger.error({ err, visitor }, 'playground job could not be put in line');
      // The rest of a refused upload is not worth reading.
      if (!req.complete) res.setHeader('connection', 'close');
      sendError(res, reply.status, reply.message, reply.field);
    }
  };

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://playground');
    const path = url.pathname;
    const tokenCookie =
      path === '/' && req.method === 'GET' ? access.tokenCookie(url.searchParams.get('token')) : undefined;
    if (tokenCookie !== undefined) return signIn(req, res, tokenCookie);
    if (!access.admits(req)) {
      const message = access.private ? REFUSALS.private : REFUSALS.loopback;
      const status = access.private ? 401 : 403;
      if (path.startsWith('/api/')) return sendError(res, status, message);
      return send(res, status, 'text/html; charset=utf-8', refusalPage(message));
    }

    const remixRoute = REMIX_PATH.exec(path);
    if (remixRoute) return remixJob(req, res, remixRoute[1] as string, remixRoute[2] as string);
    const jobRoute = JOB_PATH.exec(path);
    if (jobRoute) return serveJob(req, res, jobRoute[1] as string, jobRoute[2] as JobRoute, url);
    if (path === '/api/jobs') {
      return req.method === 'POST' ? createJob(req, res) : sendError(res, 405, 'Post a form here.');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'Only GET here.');
    if (path === '/') return servePage(req, res);
    if (path === '/api/setup') return sendJson(res, 200, site.setup);
    const asset = page.get(path);
    if (asset) return send(res, 200, asset.type, asset.body);
    const preset = PRESET_PATH.exec(path);
    const thumbnail = preset ? site.thumbnails.get(preset[1] as string) : undefined;
    if (thumbnail) return send(res, 200, 'image/jpeg', await thumbnail, { 'cache-control': 'max-age=3600' });
    return sendError(res, 404, 'Nothing here.');
  };
}
