import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { frameText, textField } from '../text.js';

/**
 * A local stand-in for Slack: the Web API methods the bot calls, file hosting for `url_private`,
 * `files.uploadV2`'s upload URLs, `response_url`s, and a Socket Mode WebSocket. Every call is recorded
 * so tests can assert on what the bot said and did. Listens on 127.0.0.1 only.
 */

export const BOT_USER_ID = 'UBOT';
export const TEAM_ID = 'T0STANDIN';

export type JsonObject = Record<string, unknown>;

export interface ApiCall {
  readonly method: string;
  readonly args: JsonObject;
  readonly at: number;
  /** What the stand-in answered; unset while the call is failing on purpose. */
  result?: JsonObject;
}

export interface SlackFile {
  readonly id: string;
  readonly name: string;
  readonly mimetype: string;
  readonly url_private: string;
  readonly url_private_download: string;
  readonly size: number;
  readonly is_external?: boolean;
}

export interface StoredMessage {
  ts: string;
  user: string;
  text: string;
  blocks?: unknown;
  thread_ts?: string;
  files?: SlackFile[];
}

export interface Upload {
  readonly fileId: string;
  readonly filename: string;
  readonly bytes: Buffer;
  readonly channel: string | undefined;
  readonly threadTs: string | undefined;
  readonly comment: string | undefined;
}

export interface Ack {
  readonly envelopeId: string;
  readonly payload: unknown;
  /** Milliseconds between sending the envelope and receiving its ack. */
  readonly ms: number;
  /** When the ack arrived, in ms since the epoch, comparable with ApiCall.at. */
  readonly at: number;
}

export interface FileDownload {
  readonly fileId: string;
  readonly authorized: boolean;
}

/** How a method should fail the next time it is called. */
export type Failure = { readonly status: 429; readonly retryAfterSec: number } | { readonly error: string };

export interface PostFileOptions {
  readonly channel: string;
  readonly user: string;
  readonly name: string;
  readonly mimetype: string;
  readonly bytes: Uint8Array;
  readonly threadTs?: string;
  /** Message time in ms since the epoch; defaults to now. */
  readonly at?: number;
  /** url_private (and url_private_download) to give instead of the stand-in's own, e.g. another host's. */
  readonly url?: string;
  /** Marks the file as an external one (is_external), a link to a file kept elsewhere. */
  readonly external?: boolean;
}

export interface SlackStandIn {
  readonly apiUrl: string;
  readonly botToken: string;
  readonly appToken: string;
  readonly calls: readonly ApiCall[];
  readonly uploads: readonly Upload[];
  readonly downloads: readonly FileDownload[];
  /** Bodies POSTed to response_url, i.e. what `respond()` said. */
  readonly responses: readonly JsonObject[];
  callsOf(method: string): ApiCall[];
  /** Resolves with the first recorded call (past or future) that matches. */
  waitForCall(method: string, match?: (call: ApiCall) => boolean, timeoutMs?: number): Promise<ApiCall>;
  waitForUpload(match?: (upload: Upload) => boolean, timeoutMs?: number): Promise<Upload>;
  waitForResponse(match?: (response: JsonObject) => boolean, timeoutMs?: number): Promise<JsonObject>;
  /** The messages of the thread under `threadTs` as a member would see them now: its root, then the replies. */
  thread(channel: string, threadTs: string): StoredMessage[];
  failNext(method: string, failure: Failure): void;
  /** Hosts a file without posting it, as a modal's file input does. */
  hostFile(name: string, mimetype: string, bytes: Uint8Array): SlackFile;
  /** Posts a message with one file, as a user would, and returns it. */
  postFile(options: PostFileOptions): StoredMessage;
  /** Resolves once the bot has opened its Socket Mode connection and been greeted. */
  connected(): Promise<void>;
  /** Sends an envelope over Socket Mode and resolves with the bot's ack. */
  send(type: string, payload: JsonObject): Promise<Ack>;
  responseUrl(): string;
  close(): Promise<void>;
}

const BOT_TOKEN = 'xoxb-standin-bot-token';
const APP_TOKEN = 'xapp-standin-app-token';

export async function startSlackStandIn(): Promise<SlackStandIn> {
  const botToken = BOT_TOKEN;
  const appToken = APP_TOKEN;
  const events = new EventEmitter();
  const calls: ApiCall[] = [];
  const uploads: Upload[] = [];
  const downloads: FileDownload[] = [];
  const responses: JsonObject[] = [];
  const failures = new Map<string, Failure[]>();
  const channels = new Map<string, StoredMessage[]>();
  const hosted = new Map<string, { bytes: Buffer; mimetype: string }>();
  const pendingUploads = new Map<string, { filename: string; bytes?: Buffer }>();
  const pendingAcks = new Map<string, { sentAt: number; resolve: (ack: Ack) => void }>();
  let socket: WebSocket | undefined;
  let greeted = false;
  let lastTsMs = 0;
  let seq = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, sock, head) => {
    wss.handleUpgrade(req, sock, head, (ws) => wss.emit('connection', ws));
  });
  wss.on('connection', (ws) => {
    socket = ws;
    const pinger = setInterval(() => ws.ping(), 2000);
    ws.on('close', () => {
      clearInterval(pinger);
      // A bot that went away is not connected: one started again (easel after a restart) is awaited afresh.
      if (socket === ws) {
        socket = undefined;
        greeted = false;
      }
    });
    ws.on('message', (data) => {
      const ack = JSON.parse(frameText(data)) as { envelope_id?: string; payload?: unknown };
      const pending = ack.envelope_id === undefined ? undefined : pendingAcks.get(ack.envelope_id);
      if (!pending || ack.envelope_id === undefined) return;
      pendingAcks.delete(ack.envelope_id);
      pending.resolve({
        envelopeId: ack.envelope_id,
        payload: ack.payload,
        ms: performance.now() - pending.sentAt,
        at: Date.now(),
      });
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0STANDIN' } }));
    greeted = true;
    events.emit('connected');
  });

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const apiUrl = `${base}/api/`;

  /** Slack timestamps: seconds, then six digits that keep messages posted in the same millisecond apart. */
  function nextTs(atMs?: number): string {
    const ms = atMs ?? Math.max(Date.now(), lastTsMs);
    if (atMs === undefined) lastTsMs = ms;
    seq += 1;
    return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000 + (seq % 1000)).padStart(6, '0')}`;
  }

  function newFileId(): string {
    return `F${randomUUID().slice(0, 8).toUpperCase()}`;
  }

  function history(channel: string): StoredMessage[] {
    let messages = channels.get(channel);
    if (!messages) {
      messages = [];
      channels.set(channel, messages);
    }
    return messages;
  }

  function store(channel: string, message: StoredMessage): StoredMessage {
    history(channel).push(message);
    history(channel).sort((a, b) => Number(a.ts) - Number(b.ts));
    return message;
  }

  /** Hosts a file under `id`: an upload keeps the id files.getUploadURLExternal gave it, as on Slack. */
  function hostFile(name: string, mimetype: string, bytes: Buffer, id = newFileId()): SlackFile {
    hosted.set(id, { bytes, mimetype });
    const url = `${base}/files-pri/${TEAM_ID}-${id}/${encodeURIComponent(name)}`;
    return { id, name, mimetype, url_private: url, url_private_download: `${url}?download=1`, size: bytes.length };
  }

  function record(method: string, args: JsonObject): ApiCall {
    const call: ApiCall = { method, args, at: Date.now() };
    calls.push(call);
    events.emit('call', call);
    return call;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const body = await readBody(req);
    const json = (status: number, value: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
    };

    if (url.pathname.startsWith('/files-pri/')) {
      const id = url.pathname.split('/')[2]?.split('-')[1] ?? '';
      const file = hosted.get(id);
      const authorized = req.headers.authorization === `Bearer ${botToken}`;
      downloads.push({ fileId: id, authorized });
      if (!file) return void res.writeHead(404).end();
      // Like Slack, an unauthenticated request gets a sign-in page, not an error status.
      if (!authorized) return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Sign in</html>');
      return void res.writeHead(200, { 'content-type': file.mimetype }).end(file.bytes);
    }

    if (url.pathname.startsWith('/upload/')) {
      const fileId = url.pathname.split('/')[2] ?? '';
      const pending = pendingUploads.get(fileId);
      if (!pending) return void res.writeHead(404).end();
      // Slack takes the file either as the raw body or as the one file part of a form.
      const contentType = req.headers['content-type'] ?? '';
      const form = contentType.startsWith('multipart/form-data')
        ? await new Response(body, { headers: { 'content-type': contentType } }).formData()
        : undefined;
      const part = form && [...form.values()].find((value) => typeof value !== 'string');
      pending.bytes = part ? Buffer.from(await part.arrayBuffer()) : body;
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${pending.bytes.length}`);
    }

    if (url.pathname.startsWith('/respond/')) {
      const value = JSON.parse(body.toString('utf8')) as JsonObject;
      responses.push(value);
      events.emit('response', value);
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    }

    if (!url.pathname.startsWith('/api/')) return void res.writeHead(404).end();
    const method = url.pathname.slice('/api/'.length);
    const args = parseArgs(req.headers['content-type'], body);
    const token =
      req.headers.authorization?.replace(/^Bearer /, '') ?? (typeof args.token === 'string' ? args.token : undefined);
    const call = record(method, args);

    const failure = failures.get(method)?.shift();
    if (failure) {
      if ('status' in failure)
        return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfterSec) });
      return json(200, { ok: false, error: failure.error });
    }
    const expectedToken = method === 'apps.connections.open' ? appToken : botToken;
    if (token !== expectedToken) return json(200, { ok: false, error: 'invalid_auth' });
    call.result = respondTo(method, args);
    json(200, call.result);
  }

  function respondTo(method: string, args: JsonObject): JsonObject {
    const channel = textField(args.channel ?? args.channel_id);
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: `${base}/`,
          team: 'Stand-in',
          user: 'easel',
          team_id: TEAM_ID,
          user_id: BOT_USER_ID,
          bot_id: 'BBOT',
        };
      case 'apps.connections.open':
        return { ok: true, url: `${base.replace('http', 'ws')}/socket?ticket=${randomUUID()}` };
      case 'chat.postMessage': {
        const message = store(channel, {
          ts: nextTs(),
          user: BOT_USER_ID,
          text: textField(args.text),
          blocks: args.blocks,
          ...(typeof args.thread_ts === 'string' ? { thread_ts: args.thread_ts } : {}),
        });
        return { ok: true, channel, ts: message.ts, message };
      }
      case 'chat.update': {
        const message = history(channel).find((m) => m.ts === args.ts);
        if (!message) return { ok: false, error: 'message_not_found' };
        message.text = textField(args.text);
        message.blocks = args.blocks;
        return { ok: true, channel, ts: message.ts, text: message.text };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'conversations.history': {
        const oldest = Number(args.oldest ?? 0);
        const latest = Number(args.latest ?? Number.POSITIVE_INFINITY);
        const inclusive = args.inclusive === 'true';
        const limit = Number(args.limit ?? 100);
        const inRange = (ts: number): boolean =>
          inclusive ? ts >= oldest && ts <= latest : ts > oldest && ts < latest;
        const all = history(channel);
        const messages = all
          .filter((m) => (m.thread_ts === undefined || m.thread_ts === m.ts) && inRange(Number(m.ts)))
          .reverse()
          .slice(0, limit)
          .map((m) => {
            const replies = all.filter((r) => r.thread_ts === m.ts && r.ts !== m.ts);
            const latest = replies.at(-1);
            return latest ? { ...m, thread_ts: m.ts, reply_count: replies.length, latest_reply: latest.ts } : m;
          });
        return { ok: true, messages, has_more: false };
      }
      case 'conversations.replies': {
        const all = history(channel);
        const target = all.find((m) => m.ts === args.ts);
        const root = target?.thread_ts ?? target?.ts;
        const thread = all.filter((m) => root !== undefined && (m.ts === root || m.thread_ts === root));
        if (thread.length === 0) return { ok: false, error: 'thread_not_found' };
        return { ok: true, messages: thread, has_more: false };
      }
      case 'views.open':
        return { ok: true, view: { id: `V${++seq}`, ...(args.view as JsonObject) } };
      case 'files.getUploadURLExternal': {
        const fileId = newFileId();
        pendingUploads.set(fileId, { filename: String(args.filename) });
        return { ok: true, upload_url: `${base}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        const files = JSON.parse(String(args.files)) as { id: string; title?: string }[];
        const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
        const completed: SlackFile[] = [];
        for (const { id } of files) {
          const pending = pendingUploads.get(id);
          if (!pending?.bytes) return { ok: false, error: 'file_not_found' };
          pendingUploads.delete(id);
          const upload: Upload = {
            fileId: id,
            filename: pending.filename,
            bytes: pending.bytes,
            channel: channel || undefined,
            threadTs,
            comment: typeof args.initial_comment === 'string' ? args.initial_comment : undefined,
          };
          uploads.push(upload);
          events.emit('upload', upload);
          completed.push(hostFile(pending.filename, 'image/png', pending.bytes, id));
        }
        if (channel) {
          store(channel, {
            ts: nextTs(),
            user: BOT_USER_ID,
            text: textField(args.initial_comment),
            files: completed,
            ...(threadTs ? { thread_ts: threadTs } : {}),
          });
        }
        return { ok: true, files: completed.map((f) => ({ id: f.id, title: f.name })) };
      }
      case 'files.delete': {
        const id = textField(args.file);
        if (!hosted.delete(id)) return { ok: false, error: 'file_not_found' };
        // The file leaves every message it was in; a message that was only that file leaves with it.
        for (const messages of channels.values()) {
          for (const message of messages) {
            if (message.files) message.files = message.files.filter((file) => file.id !== id);
          }
          const kept = messages.filter((m) => m.text !== '' || (m.files?.length ?? 0) > 0);
          messages.splice(0, messages.length, ...kept);
        }
        return { ok: true };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  function waitFor<T>(
    event: string,
    existing: readonly T[],
    match: (value: T) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<T> {
    const found = existing.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        events.off(event, listener);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const listener = (value: T): void => {
        if (!match(value)) return;
        clearTimeout(timer);
        events.off(event, listener);
        resolve(value);
      };
      events.on(event, listener);
    });
  }

  return {
    apiUrl,
    botToken,
    appToken,
    calls,
    uploads,
    downloads,
    responses,
    callsOf: (method) => calls.filter((call) => call.method === method),
    waitForCall: (method, match = () => true, timeoutMs = 60_000) =>
      waitFor<ApiCall>('call', calls, (call) => call.method === method && match(call), timeoutMs, method),
    waitForUpload: (match = () => true, timeoutMs = 60_000) =>
      waitFor<Upload>('upload', uploads, match, timeoutMs, 'an upload'),
    waitForResponse: (match = () => true, timeoutMs = 60_000) =>
      waitFor<JsonObject>('response', responses, match, timeoutMs, 'a response'),
    thread: (channel, threadTs) => history(channel).filter((m) => m.ts === threadTs || m.thread_ts === threadTs),
    failNext(method, failure) {
      failures.set(method, [...(failures.get(method) ?? []), failure]);
    },
    hostFile: (name, mimetype, bytes) => hostFile(name, mimetype, Buffer.from(bytes)),
    postFile({ channel, user, name, mimetype, bytes, threadTs, at, url, external }) {
      const file = {
        ...hostFile(name, mimetype, Buffer.from(bytes)),
        ...(url === undefined ? {} : { url_private: url, url_private_download: url }),
        ...(external ? { is_external: true } : {}),
      };
      return store(channel, {
        ts: nextTs(at),
        user,
        text: '',
        files: [file],
        ...(threadTs ? { thread_ts: threadTs } : {}),
      });
    },
    async connected() {
      if (!greeted) await once(events, 'connected');
    },
    send(type, payload) {
      const ws = socket;
      if (!ws) return Promise.reject(new Error('The bot has not connected over Socket Mode'));
      const envelopeId = randomUUID();
      return new Promise<Ack>((resolve) => {
        pendingAcks.set(envelopeId, { sentAt: performance.now(), resolve });
        ws.send(
          JSON.stringify({
            envelope_id: envelopeId,
            type,
            payload,
            accepts_response_payload: type !== 'events_api',
            retry_attempt: 0,
          }),
        );
      });
    },
    responseUrl: () => `${base}/respond/${randomUUID()}`,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Web API arguments arrive form-encoded, with objects (blocks, views) as JSON strings. */
function parseArgs(contentType: string | undefined, body: Buffer): JsonObject {
  const text = body.toString('utf8');
  if (contentType?.includes('application/json')) return text ? (JSON.parse(text) as JsonObject) : {};
  const args: JsonObject = {};
  for (const [key, value] of new URLSearchParams(text)) {
    args[key] = key === 'blocks' || key === 'view' ? JSON.parse(value) : value;
  }
  return args;
}
