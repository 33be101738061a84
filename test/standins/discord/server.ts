import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { frameText, textField } from '../text.js';

/**
 * A local stand-in for Discord: the REST routes the bot calls, a CDN for attachments, and a gateway
 * WebSocket (HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats) through which tests dispatch the
 * INTERACTION_CREATE and MESSAGE_REACTION_ADD events they craft. Everything is recorded for assertions.
 * Listens on 127.0.0.1 only.
 */

export type Json = Record<string, unknown>;

const EPOCH = 1_420_070_400_000n;
let increment = 0n;

/** A real-looking snowflake, so discord.js derives sensible timestamps from ids. */
export function snowflake(): string {
  increment = (increment + 1n) % 4096n;
  return (((BigInt(Date.now()) - EPOCH) << 22n) | increment).toString();
}

export interface StandInUser {
  readonly id: string;
  readonly username: string;
  readonly bot?: boolean;
}

export interface UploadedFile {
  readonly name: string;
  readonly contentType: string;
  readonly bytes: Buffer;
}

export interface RecordedRequest {
  readonly method: string;
  /** Path after the API version, e.g. /webhooks/1/abc/messages/@original. */
  readonly path: string;
  readonly body: Json | undefined;
  readonly files: readonly UploadedFile[];
  readonly at: number;
  status: number;
}

export interface StoredAttachment {
  readonly id: string;
  readonly filename: string;
  readonly size: number;
  readonly url: string;
  readonly proxy_url: string;
  readonly content_type: string;
}

export interface StoredMessage {
  readonly id: string;
  readonly channel_id: string;
  readonly author: StandInUser;
  content: string;
  components: unknown[];
  embeds: unknown[];
  attachments: StoredAttachment[];
  flags: number;
  /** Every state the message has had, oldest first: what users saw. */
  readonly history: Array<{ content: string; at: number; attachments: string[]; components: number }>;
  thread?: Json;
}

export interface SentInteraction {
  readonly id: string;
  readonly token: string;
  readonly dispatchedAt: number;
}

export interface CommandOption {
  readonly name: string;
  readonly type: number;
  readonly value: string | number | boolean;
}

export interface DiscordStandInOptions {
  readonly token?: string;
  /** Webhook (interaction token) routes answer 401 after this long, like Discord's 15 minutes. */
  readonly interactionTokenTtlMs?: number;
}

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handle: (params: string[], request: RecordedRequest, url: URL) => { status: number; body?: unknown };
}

const ALL_PERMISSIONS = '2251799813685247';

export class DiscordStandIn extends EventEmitter {
  readonly token: string;
  readonly application = { id: snowflake(), name: 'easel' };
  readonly bot: StandInUser = { id: this.application.id, username: 'easel', bot: true };
  readonly guildId = snowflake();
  readonly channelId = snowflake();
  readonly otherChannelId = snowflake();
  readonly requests: RecordedRequest[] = [];
  readonly messages = new Map<string, StoredMessage>();
  readonly channels = new Map<string, Json>();
  readonly commands = new Map<string, unknown[]>();
  readonly interactionCallbacks = new Map<string, { type: number; at: number; body: Json | undefined }>();
  readonly #tokens = new Map<string, { issuedAt: number; originalId?: string; channelId: string }>();
  readonly #files = new Map<string, UploadedFile>();
  readonly #redirects = new Map<string, string>();
  readonly #failures: Array<{
    matches: (request: RecordedRequest) => boolean;
    status: number;
    body: Json;
    headers: Record<string, string>;
  }> = [];
  readonly #tokenTtlMs: number;
  readonly #server: Server;
  readonly #gateway: WebSocketServer;
  #socket: WebSocket | undefined;
  #sequence = 0;
  #base = '';

  private constructor(options: DiscordStandInOptions) {
    super();
    this.token = options.token ?? `standin-${randomBytes(8).toString('hex')}`;
    this.#tokenTtlMs = options.interactionTokenTtlMs ?? 15 * 60_000;
    for (const [id, name] of [
      [this.channelId, 'art'],
      [this.otherChannelId, 'general'],
    ] as const) {
      this.channels.set(id, { id, type: 0, guild_id: this.guildId, name, position: 0, permission_overwrites: [] });
    }
    this.#server = createServer((req, res) => {
      this.#serve(req, res).catch((err: unknown) => {
        res.writeHead(500).end(String(err));
      });
    });
    this.#gateway = new WebSocketServer({ server: this.#server });
    this.#gateway.on('connection', (socket) => this.#accept(socket));
  }

  static async start(options: DiscordStandInOptions = {}): Promise<DiscordStandIn> {
    const standIn = new DiscordStandIn(options);
    await new Promise<void>((resolve) => standIn.#server.listen(0, '127.0.0.1', resolve));
    standIn.#base = `http://127.0.0.1:${(standIn.#server.address() as AddressInfo).port}`;
    return standIn;
  }

  /** What DISCORD_API_URL would be set to. */
  get apiUrl(): string {
    return `${this.#base}/api`;
  }

  async close(): Promise<void> {
    for (const client of this.#gateway.clients) client.terminate();
    this.#gateway.close();
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  /** Serves a file from the stand-in's CDN and returns it as a Discord attachment object. */
  hostFile(filename: string, bytes: Buffer, contentType: string): StoredAttachment {
    const id = snowflake();
    this.#files.set(id, { name: filename, contentType, bytes });
    const url = `${this.#base}/cdn/${id}/${encodeURIComponent(filename)}`;
    return { id, filename, size: bytes.length, url, proxy_url: url, content_type: contentType };
  }

  /** An attachment whose CDN URL answers with a redirect to `location`, e.g. to test where the bot follows. */
  redirectFile(filename: string, location: string, contentType = 'image/png'): StoredAttachment {
    const attachment = this.hostFile(filename, Buffer.alloc(0), contentType);
    this.#redirects.set(attachment.id, location);
    return attachment;
  }

  /** Bytes of a file the bot uploaded, from an attachment URL. */
  file(attachment: StoredAttachment): UploadedFile {
    const file = this.#files.get(attachment.id);
    if (!file) throw new Error(`no file ${attachment.id}`);
    return file;
  }

  /** The next request `matches` accepts answers 429 with `retryAfterS`, once. */
  rateLimitOnce(matches: (request: RecordedRequest) => boolean, retryAfterS: number): void {
    this.#failures.push({
      matches,
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: retryAfterS, global: false },
      headers: { 'retry-after': String(retryAfterS), 'x-ratelimit-scope': 'user' },
    });
  }

  /** The next request `matches` accepts is refused for want of a permission (403 Missing Permissions), once. */
  refuseOnce(matches: (request: RecordedRequest) => boolean): void {
    this.#failures.push({ matches, status: 403, body: { message: 'Missing Permissions', code: 50013 }, headers: {} });
  }

  messagesIn(channelId: string): StoredMessage[] {
    return [...this.messages.values()].filter((message) => message.channel_id === channelId);
  }

  /** The message an interaction's token edits (its "original response"). */
  originalResponse(interaction: SentInteraction): StoredMessage | undefined {
    const id = this.#tokens.get(interaction.token)?.originalId;
    return id === undefined ? undefined : this.messages.get(id);
  }

  /** A message a user posted, e.g. one with an image for a preset reaction. Not dispatched: the bot reads it via REST. */
  postUserMessage(
    author: StandInUser,
    channelId: string,
    content: string,
    attachments: StoredAttachment[] = [],
    embeds: Json[] = [],
  ): StoredMessage {
    return this.#store({ channelId, author, content, attachments, embeds, components: [], flags: 0 });
  }

  sendCommand(
    user: StandInUser,
    name: string,
    options: CommandOption[],
    attachments: StoredAttachment[] = [],
    channelId = this.channelId,
  ): SentInteraction {
    const resolved = Object.fromEntries(attachments.map((attachment) => [attachment.id, attachment]));
    return this.#interaction(user, channelId, 2, {
      id: snowflake(),
      name,
      type: 1,
      options,
      ...(attachments.length > 0 ? { resolved: { attachments: resolved } } : {}),
    });
  }

  /** What a member's client sends while they type into an option marked autocomplete (`focused`, as typed so far). */
  sendAutocomplete(
    user: StandInUser,
    name: string,
    focused: CommandOption,
    channelId = this.channelId,
  ): SentInteraction {
    return this.#interaction(user, channelId, 4, {
      id: snowflake(),
      name,
      type: 1,
      options: [{ ...focused, focused: true }],
    });
  }

  /** The suggestions the bot answered an autocomplete with (callback type 8), once it has. */
  autocompleteChoices(interaction: SentInteraction): Array<{ name: string; value: string }> | undefined {
    const callback = this.interactionCallbacks.get(interaction.token);
    if (callback?.type !== 8) return undefined;
    return ((callback.body?.data as Json | undefined)?.choices ?? []) as Array<{ name: string; value: string }>;
  }

  clickButton(user: StandInUser, message: StoredMessage, customId: string): SentInteraction {
    return this.#interaction(
      user,
      message.channel_id,
      3,
      { custom_id: customId, component_type: 2 },
      this.#messageJson(message),
    );
  }

  addReaction(user: StandInUser, message: StoredMessage, emoji: string): void {
    this.#dispatch('MESSAGE_REACTION_ADD', {
      type: 0,
      user_id: user.id,
      channel_id: message.channel_id,
      message_id: message.id,
      guild_id: this.guildId,
      member: this.#member(user),
      emoji: { id: null, name: emoji },
      message_author_id: message.author.id,
      burst: false,
      burst_colors: [],
    });
  }

  // --- gateway ---

  #accept(socket: WebSocket): void {
    this.#send(socket, { op: 10, d: { heartbeat_interval: 41_250 } });
    socket.on('message', (raw) => {
      const message = JSON.parse(frameText(raw)) as { op: number; d: Json };
      if (message.op === 1) this.#send(socket, { op: 11 });
      if (message.op === 2) this.#identify(socket, message.d);
      if (message.op === 6) this.#send(socket, { op: 9, d: false });
    });
  }

  #identify(socket: WebSocket, data: Json): void {
    if (data.token !== this.token) {
      socket.close(4004, 'Authentication failed.');
      return;
    }
    this.#socket = socket;
    this.#sequence = 0;
    this.#dispatch('READY', {
      v: 10,
      user: { ...this.#user(this.bot), verified: true, flags: 0 },
      guilds: [{ id: this.guildId, unavailable: true }],
      session_id: randomBytes(8).toString('hex'),
      resume_gateway_url: this.#base.replace('http', 'ws'),
      shard: [0, 1],
      application: { id: this.application.id, flags: 0 },
    });
    this.#dispatch('GUILD_CREATE', {
      id: this.guildId,
      name: 'Stand-in guild',
      icon: null,
      owner_id: snowflake(),
      roles: [
        {
          id: this.guildId,
          name: '@everyone',
          permissions: ALL_PERMISSIONS,
          position: 0,
          color: 0,
          hoist: false,
          managed: false,
          mentionable: false,
          flags: 0,
        },
      ],
      emojis: [],
      stickers: [],
      features: [],
      member_count: 2,
      large: false,
      unavailable: false,
      joined_at: new Date().toISOString(),
      channels: [...this.channels.values()].filter((channel) => channel.type === 0),
      threads: [],
      members: [this.#member(this.bot)],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      preferred_locale: 'en-US',
      premium_tier: 0,
      system_channel_flags: 0,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      afk_timeout: 300,
    });
    this.emit('identified');
  }

  #dispatch(t: string, d: Json): void {
    if (!this.#socket) throw new Error('no bot is connected to the stand-in gateway');
    this.#send(this.#socket, { op: 0, t, s: ++this.#sequence, d });
  }

  #send(socket: WebSocket, payload: Json): void {
    socket.send(JSON.stringify({ s: null, t: null, d: null, ...payload }));
  }

  #user(user: StandInUser): Json {
    return {
      id: user.id,
      username: user.username,
      discriminator: '0',
      global_name: user.username,
      avatar: null,
      bot: user.bot ?? false,
    };
  }

  #member(user: StandInUser): Json {
    return {
      user: this.#user(user),
      roles: [],
      joined_at: new Date().toISOString(),
      deaf: false,
      mute: false,
      flags: 0,
      permissions: ALL_PERMISSIONS,
    };
  }

  #interaction(user: StandInUser, channelId: string, type: number, data: Json, message?: Json): SentInteraction {
    const id = snowflake();
    const token = `itoken-${randomBytes(12).toString('hex')}`;
    this.#tokens.set(token, { issuedAt: Date.now(), channelId });
    const channel = this.channels.get(channelId);
    this.#dispatch('INTERACTION_CREATE', {
      id,
      application_id: this.application.id,
      type,
      token,
      version: 1,
      guild_id: this.guildId,
      channel_id: channelId,
      channel,
      member: this.#member(user),
      data,
      ...(message ? { message } : {}),
      app_permissions: ALL_PERMISSIONS,
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': this.guildId },
      context: 0,
      attachment_size_limit: 26_214_400,
    });
    return { id, token, dispatchedAt: Date.now() };
  }

  // --- REST ---

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.#base);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);

    const cdn = /^\/cdn\/(\d+)\//.exec(url.pathname);
    if (cdn) {
      const location = this.#redirects.get(cdn[1] ?? '');
      if (location !== undefined) return void res.writeHead(302, { location }).end();
      const file = this.#files.get(cdn[1] ?? '');
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.length }).end(file.bytes);
      return;
    }

    const versioned = /^\/api\/v\d+(\/.*)$/.exec(url.pathname);
    const path = decodeURIComponent(versioned?.[1] ?? url.pathname);
    const { body, files } = await this.#parseBody(req, raw);
    const request: RecordedRequest = { method: req.method ?? 'GET', path, body, files, at: Date.now(), status: 0 };
    this.requests.push(request);

    const reply = (status: number, payload?: unknown, headers: Record<string, string> = {}): void => {
      request.status = status;
      this.emit('request', request);
      if (payload === undefined) return void res.writeHead(status, headers).end();
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(payload));
    };

    if (
      req.headers.authorization !== `Bot ${this.token}` &&
      !path.startsWith('/webhooks/') &&
      !path.startsWith('/interactions/')
    ) {
      return reply(401, { message: '401: Unauthorized', code: 0 });
    }
    const failure = this.#failures.findIndex((f) => f.matches(request));
    if (failure >= 0) {
      const { status, body: refusal, headers } = this.#failures.splice(failure, 1)[0]!;
      return reply(status, refusal, headers);
    }
    const webhookToken = /^\/webhooks\/\d+\/([^/]+)/.exec(path)?.[1];
    if (webhookToken !== undefined) {
      const issued = this.#tokens.get(webhookToken);
      if (!issued || Date.now() - issued.issuedAt > this.#tokenTtlMs) {
        return reply(401, { message: 'Invalid Webhook Token', code: 50027 });
      }
    }
    for (const route of this.#routes()) {
      const match = route.method === request.method ? route.pattern.exec(path) : null;
      if (match) {
        const { status, body: payload } = route.handle(match.slice(1), request, url);
        return reply(status, payload);
      }
    }
    reply(404, { message: `Unknown route ${request.method} ${path}`, code: 0 });
  }

  async #parseBody(req: IncomingMessage, raw: Buffer): Promise<{ body: Json | undefined; files: UploadedFile[] }> {
    const type = req.headers['content-type'] ?? '';
    if (raw.length === 0) return { body: undefined, files: [] };
    if (!type.startsWith('multipart/form-data')) return { body: JSON.parse(raw.toString('utf8')) as Json, files: [] };
    const form = await new Request('http://stand-in/', {
      method: 'POST',
      headers: { 'content-type': type },
      body: raw,
    }).formData();
    const files: UploadedFile[] = [];
    let body: Json | undefined;
    for (const [name, value] of form.entries()) {
      if (name === 'payload_json' && typeof value === 'string') body = JSON.parse(value) as Json;
      else if (typeof value !== 'string') {
        files.push({ name: value.name, contentType: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
      }
    }
    return { body, files };
  }

  #routes(): Route[] {
    const ok = (body?: unknown) => ({ status: body === undefined ? 204 : 200, body });
    const missing = { status: 404, body: { message: 'Unknown Message', code: 10008 } };
    return [
      {
        method: 'GET',
        pattern: /^\/gateway\/bot$/,
        handle: () =>
          ok({
            url: this.#base.replace('http', 'ws'),
            shards: 1,
            session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
          }),
      },
      {
        method: 'GET',
        pattern: /^\/applications\/@me$/,
        handle: () => ok({ ...this.application, flags: 0, bot: this.#user(this.bot) }),
      },
      {
        method: 'PUT',
        pattern: /^\/applications\/\d+(?:\/guilds\/(\d+))?\/commands$/,
        handle: (params, request) => {
          const commands = (Array.isArray(request.body) ? request.body : []) as Json[];
          this.commands.set(params[0] ?? 'global', commands);
          return ok(
            commands.map((command) => ({
              ...command,
              id: snowflake(),
              application_id: this.application.id,
              version: snowflake(),
            })),
          );
        },
      },
      {
        method: 'POST',
        pattern: /^\/interactions\/\d+\/([^/]+)\/callback$/,
        handle: ([token = ''], request, url) => {
          const issued = this.#tokens.get(token);
          if (!issued) return { status: 404, body: { message: 'Unknown interaction', code: 10062 } };
          const type = Number(request.body?.type);
          const data = (request.body?.data ?? {}) as Json;
          this.interactionCallbacks.set(token, { type, at: request.at, body: request.body });
          // 4: reply, 5: deferred reply — both create the original response; 6/7 are for component messages.
          if (type === 4 || type === 5) {
            const message = this.#store({
              channelId: issued.channelId,
              author: this.bot,
              content: type === 4 ? textField(data.content) : '',
              components: (data.components ?? []) as unknown[],
              embeds: [],
              attachments: this.#attach(request, data, []),
              flags: Number(data.flags ?? 0) | (type === 5 ? 128 : 0),
            });
            issued.originalId = message.id;
            if (url.searchParams.get('with_response') === 'true') {
              return ok({
                interaction: { id: snowflake(), type: 2 },
                resource: { type, message: this.#messageJson(message) },
              });
            }
          }
          return ok();
        },
      },
      {
        method: 'GET',
        pattern: /^\/webhooks\/\d+\/([^/]+)\/messages\/(@original|\d+)$/,
        handle: ([token = '', id = '']) => {
          const message = this.messages.get(id === '@original' ? (this.#tokens.get(token)?.originalId ?? '') : id);
          return message ? ok(this.#messageJson(message)) : missing;
        },
      },
      {
        method: 'PATCH',
        pattern: /^\/webhooks\/\d+\/([^/]+)\/messages\/(@original|\d+)$/,
        handle: ([token = '', id = ''], request) => {
          const message = this.messages.get(id === '@original' ? (this.#tokens.get(token)?.originalId ?? '') : id);
          return message ? ok(this.#messageJson(this.#edit(message, request))) : missing;
        },
      },
      {
        method: 'POST',
        pattern: /^\/webhooks\/\d+\/([^/]+)$/,
        handle: ([token = ''], request) => {
          const body = request.body ?? {};
          const message = this.#store({
            channelId: this.#tokens.get(token)?.channelId ?? this.channelId,
            author: this.bot,
            content: textField(body.content),
            components: (body.components ?? []) as unknown[],
            embeds: (body.embeds ?? []) as unknown[],
            attachments: this.#attach(request, body, []),
            flags: Number(body.flags ?? 0),
          });
          return ok(this.#messageJson(message));
        },
      },
      {
        method: 'GET',
        pattern: /^\/channels\/(\d+)$/,
        handle: ([id = '']) => {
          const channel = this.channels.get(id);
          return channel ? ok(channel) : { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
        },
      },
      {
        method: 'GET',
        pattern: /^\/channels\/\d+\/messages\/(\d+)$/,
        handle: ([id = '']) => {
          const message = this.messages.get(id);
          return message ? ok(this.#messageJson(message)) : missing;
        },
      },
      {
        method: 'POST',
        pattern: /^\/channels\/(\d+)\/messages$/,
        handle: ([channelId = ''], request) => {
          if (!this.channels.has(channelId)) return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
          const body = request.body ?? {};
          const message = this.#store({
            channelId,
            author: this.bot,
            content: textField(body.content),
            components: (body.components ?? []) as unknown[],
            embeds: (body.embeds ?? []) as unknown[],
            attachments: this.#attach(request, body, []),
            flags: 0,
          });
          return ok(this.#messageJson(message));
        },
      },
      {
        method: 'PATCH',
        pattern: /^\/channels\/\d+\/messages\/(\d+)$/,
        handle: ([id = ''], request) => {
          const message = this.messages.get(id);
          return message ? ok(this.#messageJson(this.#edit(message, request))) : missing;
        },
      },
      {
        method: 'POST',
        pattern: /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/,
        handle: ([channelId = '', messageId = ''], request) => {
          const message = this.messages.get(messageId);
          if (!message) return missing;
          if (message.thread)
            return {
              status: 400,
              body: { message: 'A thread has already been created for this message', code: 160004 },
            };
          // Like Discord, a thread started from a message has the message's id.
          const thread: Json = {
            id: message.id,
            type: 11,
            guild_id: this.guildId,
            parent_id: channelId,
            name: textField(request.body?.name, 'thread'),
            owner_id: this.bot.id,
            message_count: 0,
            member_count: 1,
            rate_limit_per_user: 0,
            thread_metadata: {
              archived: false,
              auto_archive_duration: Number(request.body?.auto_archive_duration ?? 1440),
              archive_timestamp: new Date().toISOString(),
              locked: false,
            },
          };
          this.channels.set(message.id, thread);
          message.thread = thread;
          return { status: 201, body: thread };
        },
      },
    ];
  }

  #store(fields: {
    channelId: string;
    author: StandInUser;
    content: string;
    components: unknown[];
    embeds: unknown[];
    attachments: StoredAttachment[];
    flags: number;
  }): StoredMessage {
    const message: StoredMessage = {
      id: snowflake(),
      channel_id: fields.channelId,
      author: fields.author,
      content: fields.content,
      components: fields.components,
      embeds: fields.embeds,
      attachments: fields.attachments,
      flags: fields.flags,
      history: [],
    };
    this.#remember(message);
    this.messages.set(message.id, message);
    this.emit('message', message);
    return message;
  }

  #edit(message: StoredMessage, request: RecordedRequest): StoredMessage {
    const body = request.body ?? {};
    if (typeof body.content === 'string') message.content = body.content;
    if (Array.isArray(body.components)) message.components = body.components;
    if (Array.isArray(body.embeds)) message.embeds = body.embeds;
    message.attachments = this.#attach(request, body, message.attachments);
    message.flags &= ~128;
    this.#remember(message);
    this.emit('edit', message);
    return message;
  }

  #remember(message: StoredMessage): void {
    message.history.push({
      content: message.content,
      at: Date.now(),
      attachments: message.attachments.map((a) => a.filename),
      components: message.components.length,
    });
  }

  /** Discord's rule: a body's `attachments` lists those to keep (by id) and describes new uploads (by index). */
  #attach(request: RecordedRequest, body: Json, existing: StoredAttachment[]): StoredAttachment[] {
    const uploads = request.files.map((file) => this.hostFile(file.name, file.bytes, file.contentType));
    if (!Array.isArray(body.attachments)) return [...existing, ...uploads];
    const kept = existing.filter((attachment) =>
      (body.attachments as Json[]).some((entry) => String(entry.id) === attachment.id),
    );
    return [...kept, ...uploads];
  }

  #messageJson(message: StoredMessage): Json {
    return {
      id: message.id,
      channel_id: message.channel_id,
      guild_id: this.guildId,
      author: this.#user(message.author),
      content: message.content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: message.attachments,
      embeds: message.embeds,
      components: message.components,
      pinned: false,
      type: 0,
      flags: message.flags,
      ...(message.thread ? { thread: message.thread } : {}),
    };
  }
}
