import { Redis } from 'ioredis';

/**
 * A Redis connection as BullMQ wants it: `maxRetriesPerRequest: null`, so a command waits out a reconnect instead
 * of failing a worker's lock renewal; ioredis keeps reconnecting on its own.
 */
export function connectRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
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
