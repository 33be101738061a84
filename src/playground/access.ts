import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isLoopback } from '../config/playground.js';

/**
 * Who may use the playground, and who is who. A visitor is a random id in a cookie: it is the member the queue
 * counts jobs against and the only one who may follow or cancel them. With a shared secret, every request carries
 * it (a cookie set from `/?token=…`, or `Authorization: Bearer …`). Without one the playground is on loopback, and
 * only requests addressed to a loopback name are served, so a web page elsewhere cannot reach it through DNS.
 */

const VISITOR_COOKIE = 'easel_visitor';
const TOKEN_COOKIE = 'easel_token';
const VISITOR_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A visitor keeps their id, and their access, for a month. */
const COOKIE_MAX_AGE_S = 30 * 24 * 3600;

function cookies(req: IncomingMessage): Map<string, string> {
  const found = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) found.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  return found;
}

/** Not readable by scripts, and never sent along with a request another site makes. */
function setCookie(name: string, value: string): string {
  return `${name}=${value}; Path=/; Max-Age=${COOKIE_MAX_AGE_S}; HttpOnly; SameSite=Strict`;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export class Access {
  /** The secret's sha256, which is also what the cookie holds: the same access, and no need to escape it. */
  readonly #digest: Buffer | undefined;

  constructor(token: string | undefined) {
    this.#digest = token === undefined ? undefined : digest(token);
  }

  /** Whether `candidate` is the secret's digest; compared in constant time. */
  #matches(candidate: Buffer): boolean {
    return (
      this.#digest !== undefined &&
      candidate.byteLength === this.#digest.byteLength &&
      timingSafeEqual(candidate, this.#digest)
    );
  }

  /** Whether a shared secret guards the playground; without one it is on loopback. */
  get private(): boolean {
    return this.#digest !== undefined;
  }

  /** Whether the request may be served at all. */
  admits(req: IncomingMessage): boolean {
    if (this.#digest === undefined) return addressedToLoopback(req);
    const cookie = cookies(req).get(TOKEN_COOKIE) ?? '';
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    return (
      (/^[0-9a-f]{64}$/.test(cookie) && this.#matches(Buffer.from(cookie, 'hex'))) ||
      (bearer !== undefined && this.#matches(digest(bearer)))
    );
  }

  /** The cookie to set when `token` (from the page's `?token=`) is the shared secret. */
  tokenCookie(token: string | null): string | undefined {
    if (token === null || this.#digest === undefined || !this.#matches(digest(token))) return undefined;
    return setCookie(TOKEN_COOKIE, this.#digest.toString('hex'));
  }
}

/** The visitor's id, when the request carries one. */
export function visitorOf(req: IncomingMessage): string | undefined {
  const id = cookies(req).get(VISITOR_COOKIE);
  return id !== undefined && VISITOR_SHAPE.test(id) ? id : undefined;
}

/** A fresh visitor id and the cookie that keeps it. */
export function newVisitor(): { readonly id: string; readonly cookie: string } {
  const id = randomUUID();
  return { id, cookie: setCookie(VISITOR_COOKIE, id) };
}

function addressedToLoopback(req: IncomingMessage): boolean {
  const host = req.headers.host;
  if (host === undefined || !URL.canParse(`http://${host}`)) return false;
  return isLoopback(new URL(`http://${host}`).hostname.replace(/^\[|\]$/g, ''));
}

/** A form posted from a page of another origin is refused; browsers always send Origin with a POST. */
export function fromThisOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return URL.canParse(origin) && new URL(origin).host === req.headers.host;
}
