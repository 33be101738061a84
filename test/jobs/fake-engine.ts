import type { StyleEngine, StylizeCallbacks } from '../../src/engine/engine.js';
import type { StylizeRequest, StylizeResult } from '../../src/engine/types.js';
import { JobAbortedError } from '../../src/errors.js';

/**
 * A stand-in StyleEngine for queue tests: each iteration waits `msPerIteration`, reports progress,
 * and honours the abort signal between iterations, like the real engine. The queue is what's under test.
 */
export class FakeEngine implements StyleEngine {
  readonly backend = 'fake';
  readonly maxSide = 1024;
  readonly slots: number;
  readonly started: StylizeRequest[] = [];
  running = 0;
  maxRunning = 0;
  failWith: Error | undefined;

  constructor(
    slots = 1,
    private readonly msPerIteration = 5,
  ) {
    this.slots = slots;
  }

  async stylize(_slot: number, request: StylizeRequest, callbacks: StylizeCallbacks = {}): Promise<StylizeResult> {
    this.started.push(request);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    const began = Date.now();
    try {
      const { iterations } = request.options;
      for (let iteration = 1; iteration <= iterations; iteration++) {
        await new Promise((resolve) => setTimeout(resolve, this.msPerIteration));
        if (callbacks.signal?.aborted) throw new JobAbortedError();
        if (this.failWith) throw this.failWith;
        const losses = { total: 1, content: 1, style: 1, tv: 1 };
        callbacks.onProgress?.({
          scale: 1,
          scales: 1,
          width: request.content.width,
          height: request.content.height,
          iteration,
          iterations,
          fraction: iteration / iterations,
          losses,
          elapsedMs: Date.now() - began,
          etaMs: (iterations - iteration) * this.msPerIteration,
        });
      }
      const losses = { total: 1, content: 1, style: 1, tv: 1 };
      return {
        image: request.content,
        backend: this.backend,
        iterations: request.options.iterations,
        ms: Date.now() - began,
        losses: { initial: losses, final: losses },
      };
    } finally {
      this.running--;
    }
  }

  async replace(): Promise<void> {}

  async close(): Promise<void> {}
}
