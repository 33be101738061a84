import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Between two "Redis is unreachable" warnings of one connection, while ioredis keeps retrying. */
const ERROR_LOG_INTERVAL_MS = 30_000;

/** Reconnects a fail-fast command waits through before it fails: a second or two. */
const FAIL_FAST_RETRIES = 3;

/**
 * A Redis connection. By default as BullMQ wants it for workers: `maxRetriesPerRequest: null`, so a command waits
 * out a reconnect instead of failing a lock renewal. `failFast` is for the bot, where a member is waiting: handing a
 * job over fails within seconds while Redis is down, and they are told so. ioredis keeps reconnecting either way
 * (BullMQ's own blocking connections, duplicated from this one, always wait). Errors are logged (as warnings, at
 * most one each interval), never thrown: Redis going away is an outage to wait out, not a crash.
 */
export function connectRedis(url: string, logger: Logger, role: string, options: { failFast?: boolean } = {}): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: options.failFast ? FAIL_FAST_RETRIES : null });
  let loggedAt = 0;
  redis.on('error', (err: Error) => {
    if (Date.now() - loggedAt < ERROR_LOG_INTERVAL_MS) return;
    loggedAt = Date.now();
    logger.warn({ err, redis: redactRedisUrl(url), role }, 'Redis connection failed; retrying');
  });
  return redis;
}

/** Settles when `promise` does or after `ms`, whichever is first: for shutdown steps that need Redis. */
export async function within(ms: number, promise: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const overtime = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    overtime,
  ]);
  clearTimeout(timer);
}

/** The URL with any password replaced, for logs and messages: a Redis URL may carry one. */
export function redactRedisUrl(url: string): string {
  if (!URL.canParse(url)) return '[unreadable Redis URL]';
  return url.replace(/^([a-z]+:\/\/[^:@/]*:)[^@/]*@/i, '$1[token]@');
}

/** Whether a connection can take commands now; for /readyz. */
export function redisReady(redis: Redis): boolean {
  return redis.status === 'ready';
}
