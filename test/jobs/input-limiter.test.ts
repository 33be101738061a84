import { describe, expect, it } from 'vitest';
import { InputLimiter } from '../../src/jobs/input-limiter.js';

/** A task that runs until the test settles it. */
function gate<T>() {
  let open: (value: T) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

describe('InputLimiter', () => {
  it('runs at most `concurrency` tasks at once, the rest in arrival order as places free up', async () => {
    const limiter = new InputLimiter(2);
    const gates = [gate<string>(), gate<string>(), gate<string>(), gate<string>()];
    const started: number[] = [];
    const results = gates.map((g, index) =>
      limiter.run(() => {
        started.push(index);
        return g.promise;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect([limiter.active, limiter.waiting]).toEqual([2, 2]);

    // A failed download frees its place just as a finished one does.
    gates[1]!.fail(new Error('download failed'));
    await expect(results[1]).rejects.toThrow('download failed');
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.open('a');
    await expect(results[0]).resolves.toBe('a');
    expect(started).toEqual([0, 1, 2, 3]);
    gates[2]!.open('c');
    gates[3]!.open('d');
    await expect(Promise.all([results[2], results[3]])).resolves.toEqual(['c', 'd']);
    expect([limiter.active, limiter.waiting]).toEqual([0, 0]);
  });
});
