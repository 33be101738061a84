import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { LaneName } from '../jobs/lanes.js';
import { WORKER_KEY_PREFIX } from './keys.js';

/** What a worker says about itself in its heartbeat. */
export interface WorkerCard {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly backend: string;
  /** Jobs it runs at once, per lane it serves. */
  readonly slots: Partial<Record<LaneName, number>>;
}

/**
 * A worker's heartbeat interval and how long its card lives: a card outlives two missed beats, so one slow Redis
 * round trip does not take a worker's slots away, and a dead worker's slots are gone within half its lock time.
 */
export function heartbeatTiming(lockMs: number): { readonly everyMs: number; readonly ttlMs: number } {
  return { everyMs: Math.max(250, Math.floor(lockMs / 6)), ttlMs: Math.max(1000, Math.floor(lockMs / 2)) };
}

/** A worker's side: keeps its card in Redis while it runs, and takes it away when it stops. */
export class WorkerHeartbeat {
  readonly #redis: Redis;
  readonly #card: WorkerCard;
  readonly #timer: NodeJS.Timeout;
  readonly #ttlMs: number;

  private constructor(redis: Redis, card: WorkerCard, lockMs: number, logger: Logger) {
    this.#redis = redis;
    this.#card = card;
    const { everyMs, ttlMs } = heartbeatTiming(lockMs);
    this.#ttlMs = ttlMs;
    this.#timer = setInterval(() => {
      this.#beat().catch((err: unknown) => logger.warn({ err }, 'worker heartbeat failed; retrying'));
    }, everyMs);
  }

  static async start(redis: Redis, card: Omit<WorkerCard, 'host' | 'pid'>, lockMs: number, logger: Logger) {
    const heartbeat = new WorkerHeartbeat(redis, { ...card, host: hostname(), pid: process.pid }, lockMs, logger);
    await heartbeat.#beat();
    return heartbeat;
  }

  async #beat(): Promise<void> {
    await this.#redis.set(`${WORKER_KEY_PREFIX}${this.#card.id}`, JSON.stringify(this.#card), 'PX', this.#ttlMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#redis.del(`${WORKER_KEY_PREFIX}${this.#card.id}`);
  }
}

function parseCard(text: string | null): WorkerCard | undefined {
  if (text === null) return undefined;
  try {
    const card = JSON.parse(text) as Partial<WorkerCard>;
    return typeof card.id === 'string' && typeof card.backend === 'string' && typeof card.slots === 'object'
      ? (card as WorkerCard)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The bot's side: the live workers, read from their cards every heartbeat. Each lane's slots are the sum of its
 * workers' slots, so the bot's own scheduler (limits, round-robin, ETA) decides what runs next, and BullMQ's waiting
 * list holds no more than the workers can start.
 */
export class WorkerRoster {
  readonly #redis: Redis;
  readonly #logger: Logger;
  readonly #listeners = new Set<() => void>();
  #cards: readonly WorkerCard[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(redis: Redis, logger: Logger) {
    this.#redis = redis;
    this.#logger = logger;
  }

  /** Reads the cards now, then every heartbeat interval. */
  async start(lockMs: number): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => void this.refresh(), heartbeatTiming(lockMs).everyMs);
  }

  get workers(): readonly WorkerCard[] {
    return this.#cards;
  }

  slots(lane: LaneName): number {
    return this.#cards.reduce((sum, card) => sum + (card.slots[lane] ?? 0), 0);
  }

  /** The backend that serves most of a lane's slots: the key its measured throughput is kept under. */
  backend(lane: LaneName): string | undefined {
    const byBackend = new Map<string, number>();
    for (const card of this.#cards) {
      const slots = card.slots[lane] ?? 0;
      if (slots > 0) byBackend.set(card.backend, (byBackend.get(card.backend) ?? 0) + slots);
    }
    return [...byBackend].sort((a, b) => b[1] - a[1])[0]?.[0];
  }

  onChange(listener: () => void): void {
    this.#listeners.add(listener);
  }

  /** On a Redis error the last cards are kept: the workers may well still be there, and jobs fail on their own. */
  async refresh(): Promise<void> {
    let cards: WorkerCard[];
    try {
      const keys = await this.#scan();
      const texts = keys.length === 0 ? [] : await this.#redis.mget(...keys);
      cards = texts.map(parseCard).filter((card) => card !== undefined);
    } catch (err) {
      this.#logger.warn({ err }, 'could not read the workers from Redis');
      return;
    }
    cards.sort((a, b) => a.id.localeCompare(b.id));
    const before = JSON.stringify(this.#cards);
    this.#cards = cards;
    if (JSON.stringify(cards) === before) return;
    this.#logger.info(
      { workers: cards.length, gatysSlots: this.slots('gatys'), networkSlots: this.slots('network') },
      'workers changed',
    );
    for (const listener of this.#listeners) listener();
  }

  async #scan(): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await this.#redis.scan(cursor, 'MATCH', `${WORKER_KEY_PREFIX}*`, 'COUNT', 100);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
    return keys;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
