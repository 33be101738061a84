import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Between two "Redis is unreachable" warnings of one connection, while ioredis keeps retrying. */
const ERROR_LOG_INTERVAL_MS = 30_000;

/**
 * A Redis connection as BullMQ wants it: `maxRetriesPerRequest: null`, so a command waits out a reconnect instead
 * of failing a worker's lock renewal; ioredis keeps reconnecting on its own. Its errors are logged (as warnings,
 * at most one each interval), never thrown: Redis going away is an outage to wait out, not a crash.
 */
export function connectRedis(url: string, logger: Logger, role: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
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
