import type { JobRequester } from './job.js';

/** One person on one platform: the unit that fairness is counted in. */
export function memberOf(requester: JobRequester): string {
  return `${requester.platform}:${requester.userId}`;
}

/** What the scheduler needs to know about an entry to place it. */
export interface Schedulable {
  readonly member: string;
}

/**
 * Decides the order in which waiting entries start. The scheduler starts the first of `order`, and members are
 * told their place in it; it reports each start, and each member that has nothing left waiting or running.
 */
export interface StartPolicy {
  /** `waiting` (given in arrival order) in the order it will start. */
  order<T extends Schedulable>(waiting: readonly T[]): T[];
  started(entry: Schedulable): void;
  forget(member: string): void;
}

/**
 * Round-robin over members: the member served longest ago (or never) goes first, and each round takes one entry
 * from every member with any left; so one member's second job never starts before anyone else's first.
 * Among members never served, the one waiting longest goes first.
 */
export class RoundRobin implements StartPolicy {
  /** When each member's latest entry started, as a count of starts; members with nothing in line are forgotten. */
  readonly #lastStarted = new Map<string, number>();
  #starts = 0;

  order<T extends Schedulable>(waiting: readonly T[]): T[] {
    // A Map keeps insertion order: members by their first waiting entry's arrival.
    const byMember = new Map<string, T[]>();
    for (const entry of waiting) {
      const entries = byMember.get(entry.member);
      if (entries) entries.push(entry);
      else byMember.set(entry.member, [entry]);
    }
    const served = (member: string): number => this.#lastStarted.get(member) ?? 0;
    // Array.prototype.sort is stable, so members never served keep their arrival order.
    const rotation = [...byMember.keys()].sort((a, b) => served(a) - served(b));
    const order: T[] = [];
    for (let round = 0; order.length < waiting.length; round++) {
      for (const member of rotation) {
        const entry = byMember.get(member)?.[round];
        if (entry) order.push(entry);
      }
    }
    return order;
  }

  started(entry: Schedulable): void {
    this.#lastStarted.set(entry.member, ++this.#starts);
  }

  forget(member: string): void {
    this.#lastStarted.delete(member);
  }
}

/**
 * The one place that decides what runs next on a set of engine slots: a line of waiting entries, an order policy,
 * and which slot runs which entry. A slot is free only once it is released, so a job that outlives its timeout
 * keeps its slot until its worker has been replaced. Each lane (src/jobs/lanes.ts: Gatys jobs, and presets' style
 * networks on their own engine) is a Scheduler of its own over that engine's slots.
 */
export class Scheduler<T extends Schedulable> {
  readonly #policy: StartPolicy;
  /** The entry each slot runs; undefined when the slot is free. */
  readonly #slots: Array<T | undefined>;
  /** Slots whose worker could not be replaced; they take no more work. */
  readonly #retired = new Set<number>();
  /** Waiting entries in arrival order. */
  #waiting: T[] = [];
  /** Slots 0..capacity-1 take work; see resize. */
  #capacity: number;

  constructor(slots: number, policy: StartPolicy = new RoundRobin()) {
    this.#slots = Array.from({ length: slots }, () => undefined);
    this.#capacity = slots;
    this.#policy = policy;
  }

  add(entry: T): void {
    this.#waiting.push(entry);
  }

  /** Takes a waiting entry out of line. */
  remove(entry: T): void {
    this.#waiting = this.#waiting.filter((other) => other !== entry);
    this.#forgetIfGone(entry.member);
  }

  /** Waiting entries in the order they will start. */
  line(): T[] {
    return this.#policy.order(this.#waiting);
  }

  /** Slots that can still run work: each with its entry, or undefined when free. */
  liveSlots(): Array<{ readonly slot: number; readonly entry: T | undefined }> {
    return this.#slots
      .map((entry, slot) => ({ slot, entry }))
      .filter(({ slot }) => slot < this.#capacity && !this.#retired.has(slot));
  }

  /**
   * Changes the number of slots, for engines whose size changes (remote workers joining and leaving). Slots past a
   * smaller number finish what they run and then take no more work, like retired ones until the number grows back.
   */
  resize(slots: number): void {
    while (this.#slots.length < slots) this.#slots.push(undefined);
    this.#capacity = slots;
  }

  /** Gives each free live slot the next entry in line, and returns what to start where. */
  dispatch(): Array<{ readonly entry: T; readonly slot: number }> {
    const started: Array<{ entry: T; slot: number }> = [];
    for (const { slot, entry: busy } of this.liveSlots()) {
      if (busy !== undefined) continue;
      const next = this.line()[0];
      if (next === undefined) break;
      this.#waiting = this.#waiting.filter((other) => other !== next);
      this.#slots[slot] = next;
      this.#policy.started(next);
      started.push({ entry: next, slot });
    }
    return started;
  }

  /** Frees a slot once the engine has nothing of its entry left on it. */
  release(slot: number): void {
    this.#vacate(slot);
  }

  /** Frees a slot for good: its worker is gone. */
  retire(slot: number): void {
    this.#vacate(slot);
    this.#retired.add(slot);
  }

  #vacate(slot: number): void {
    const entry = this.#slots[slot];
    this.#slots[slot] = undefined;
    if (entry) this.#forgetIfGone(entry.member);
  }

  #forgetIfGone(member: string): void {
    const present = (entry: T | undefined): boolean => entry?.member === member;
    if (!this.#waiting.some(present) && !this.#slots.some(present)) this.#policy.forget(member);
  }
}
