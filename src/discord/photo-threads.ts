import { sameFingerprint } from '../images/fingerprint.js';

/** How long a photo's thread is remembered, like its inputs for the remix buttons. */
const REMEMBER_MS = 24 * 3_600_000;
/** Threads remembered at most; the oldest are forgotten first. */
const MAX_THREADS = 1_000;

interface PhotoThread {
  readonly channelId: string;
  readonly userId: string;
  readonly photo: bigint;
  readonly threadId: string;
  readonly at: number;
}

/**
 * The thread each member's photo was painted in, per channel, so that /stylize with the same photo again goes into
 * that thread and one photo's tries and remixes stay together. Photos are matched by fingerprint, so the same
 * picture uploaded again (or at another size) finds its thread. Kept in memory: after a restart a photo starts a
 * new thread once.
 */
export class PhotoThreads {
  readonly #threads: PhotoThread[] = [];
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  find(channelId: string, userId: string, photo: bigint): string | undefined {
    const since = this.#now() - REMEMBER_MS;
    return this.#threads.findLast(
      (entry) =>
        entry.at >= since &&
        entry.channelId === channelId &&
        entry.userId === userId &&
        sameFingerprint(entry.photo, photo),
    )?.threadId;
  }

  remember(channelId: string, userId: string, photo: bigint, threadId: string): void {
    this.#threads.push({ channelId, userId, photo, threadId, at: this.#now() });
    if (this.#threads.length > MAX_THREADS) this.#threads.shift();
  }

  /** Forgets a thread that turned out to be gone (deleted, or archived and locked). */
  forget(threadId: string): void {
    for (let i = this.#threads.length - 1; i >= 0; i--)
      if (this.#threads[i]!.threadId === threadId) this.#threads.splice(i, 1);
  }
}
