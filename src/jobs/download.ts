import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, request, type Dispatcher } from 'undici';
import { UserError } from '../errors.js';

/**
 * Where a platform's images may be fetched from. Members choose the links; the bot must only ever fetch from the
 * platform's own file hosts, so a link cannot make it reach an internal address, a cloud metadata service or a
 * server that collects its token.
 */
export interface DownloadPolicy {
  /** Host names the platform serves files from; fetched over https on the default port only. */
  readonly hosts: readonly RegExp[];
  /**
   * The configured API base URL (DISCORD_API_URL, SLACK_API_URL), if any. Its origin is allowed too, over http or
   * https and at whatever address it resolves to, since the operator chose it (a local stand-in, a proxy).
   */
  readonly apiBase: string | undefined;
  /** Sent with every request, e.g. Slack's bot token; only ever to URLs the policy allows. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface DownloadOptions {
  readonly policy: DownloadPolicy;
  readonly maxBytes: number;
  /** For the whole download, redirects included. */
  readonly timeoutMs: number;
  /** Names the file in the message: 'style image' gives "I couldn't download the style image". */
  readonly what?: string;
}

/** Why a download failed: for the log and for tests, never for the member. */
export type DownloadFailure =
  'refused-host' | 'refused-address' | 'too-many-redirects' | 'http-status' | 'too-large' | 'timeout' | 'network';

/** Redirects followed before giving up; a platform's file host needs one at most. */
const MAX_REDIRECTS = 3;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function megabytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

/**
 * Any download that failed, whatever the cause. The member always reads the same words, so the bot's answers
 * cannot be used to scan which internal hosts or ports exist; `reason` and `cause` are for the log.
 */
export class DownloadFailedError extends UserError {
  readonly reason: DownloadFailure;
  constructor(reason: DownloadFailure, options: { what?: string | undefined; maxBytes: number; cause?: unknown }) {
    const subject = options.what === undefined ? 'that image' : `the ${options.what}`;
    super(
      'download-failed',
      `I couldn't download ${subject}. Please upload the picture itself here (not a link to it), ` +
        `under ${megabytes(options.maxBytes)}, and try again.`,
      { cause: options.cause },
    );
    this.reason = reason;
  }
}

/** Raised inside a connection attempt; turned into a DownloadFailedError by downloadImage. */
class RefusedAddressError extends Error {
  constructor(host: string, address: string) {
    super(`${host} resolves to ${address}, which is not a public address`);
  }
}

/** Public unicast only: ipaddr.js names every special range (loopback, private, link-local, reserved, …). */
function isPublic(address: string): boolean {
  return ipaddr.process(address).range() === 'unicast';
}

/**
 * A DNS lookup that fails for any host with a non-public address. The connection then goes to exactly the
 * addresses checked here, so a second, different DNS answer (rebinding) cannot slip past.
 */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, []);
    const refused = addresses.find((entry) => !isPublic(entry.address));
    if (refused) return callback(new RefusedAddressError(hostname, refused.address), []);
    const [first] = addresses;
    if (options.all || first === undefined) return callback(null, addresses);
    return callback(null, first.address, first.family);
  });
};

const publicAgent = new Agent({ connect: { lookup: publicOnlyLookup } });
const apiBaseAgent = new Agent();

function isApiBase(policy: DownloadPolicy, url: URL): boolean {
  return policy.apiBase !== undefined && new URL(policy.apiBase).origin === url.origin;
}

/** Whether the policy lets the bot fetch `url`: the API base's origin, or a platform host over https. */
export function isAllowed(policy: DownloadPolicy, url: URL): boolean {
  if (isApiBase(policy, url)) return true;
  return url.protocol === 'https:' && url.port === '' && policy.hosts.some((host) => host.test(url.hostname));
}

/** Node connects to an IP written in the URL without a lookup, so those are checked here. */
function literalAddress(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) === 0 ? undefined : host;
}

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Fetches an image into memory from where `policy` allows, following at most MAX_REDIRECTS redirects, each
 * checked like the first URL, and giving up past `maxBytes` (announced or actual) or after `timeoutMs`.
 * Every failure is a DownloadFailedError.
 */
export async function downloadImage(url: string, options: DownloadOptions): Promise<Uint8Array> {
  const { policy, maxBytes, timeoutMs, what } = options;
  const fail = (reason: DownloadFailure, cause: unknown): DownloadFailedError =>
    new DownloadFailedError(reason, { what, maxBytes, cause });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    let target = new URL(url);
    for (let hop = 0; ; hop++) {
      if (!isAllowed(policy, target)) {
        throw fail('refused-host', new Error(`${target.origin} is not a file host of this platform`));
      }
      const trusted = isApiBase(policy, target);
      const literal = literalAddress(target);
      if (!trusted && literal !== undefined && !isPublic(literal)) {
        throw fail('refused-address', new RefusedAddressError(target.hostname, literal));
      }
      const agent = trusted ? apiBaseAgent : publicAgent;
      const headers = { ...policy.headers };
      const response = await request(target, { dispatcher: agent, headers, signal: controller.signal });
      const location = header(response.headers, 'location');
      if (REDIRECT_STATUSES.has(response.statusCode) && location !== undefined) {
        discard(response.body);
        if (hop >= MAX_REDIRECTS) {
          throw fail('too-many-redirects', new Error(`more than ${MAX_REDIRECTS} redirects from ${url}`));
        }
        target = new URL(location, target);
        continue;
      }
      if (response.statusCode < 200 || response.statusCode > 299) {
        discard(response.body);
        throw fail('http-status', new Error(`HTTP ${response.statusCode} from ${target.origin}`));
      }
      const bytes = await readCapped(response.body, maxBytes, header(response.headers, 'content-length'));
      if (bytes === undefined) throw fail('too-large', new Error(`more than ${maxBytes} bytes from ${target.origin}`));
      return bytes;
    }
  } catch (err) {
    if (err instanceof DownloadFailedError) throw err;
    if (controller.signal.aborted) throw fail('timeout', new Error(`no complete answer within ${timeoutMs} ms`));
    const refused =
      err instanceof RefusedAddressError || (err instanceof Error && err.cause instanceof RefusedAddressError);
    throw fail(refused ? 'refused-address' : 'network', err);
  } finally {
    clearTimeout(timer);
  }
}

/** Drops a body that will not be read; the abort that causes is intended, so it is no error. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined).destroy();
}

/** The whole body, or undefined (and the rest left unread) once it is announced or found to exceed `maxBytes`. */
async function readCapped(
  body: Dispatcher.ResponseData['body'],
  maxBytes: number,
  announced: string | undefined,
): Promise<Uint8Array | undefined> {
  if (announced !== undefined && Number(announced) > maxBytes) {
    discard(body);
    return undefined;
  }
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of body) {
    const bytes = chunk as Buffer;
    received += bytes.byteLength;
    if (received > maxBytes) {
      discard(body);
      return undefined;
    }
    chunks.push(bytes);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
