import { afterEach, describe, expect, it, vi } from 'vitest';
import { CheckTimeoutError, Readiness } from '../../src/ops/readiness.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('Readiness', () => {
  it('is ready with every check passing, and reports each by name', async () => {
    const readiness = new Readiness();
    readiness.register('engine', () => true);
    readiness.register('journal', () => Promise.resolve(true));
    expect(await readiness.report()).toEqual({
      ready: true,
      results: [
        { name: 'engine', ok: true },
        { name: 'journal', ok: true },
      ],
    });
  });

  it('fails on false, on a throw, on a rejection, and on anything but true', async () => {
    const readiness = new Readiness();
    const disk = new Error('disk full');
    readiness.register('answers-false', () => false);
    readiness.register('throws', () => {
      throw disk;
    });
    readiness.register('rejects', () => Promise.reject(disk));
    readiness.register('not-a-boolean', () => 'yes' as unknown as boolean);
    const report = await readiness.report();
    expect(report.ready).toBe(false);
    expect(report.results).toEqual([
      { name: 'answers-false', ok: false },
      { name: 'throws', ok: false, error: disk },
      { name: 'rejects', ok: false, error: disk },
      { name: 'not-a-boolean', ok: false },
    ]);
  });

  it('gives up on a check that never answers, so the probe still gets a reply', async () => {
    vi.useFakeTimers();
    const readiness = new Readiness({ timeoutMs: 2_000 });
    readiness.register('engine', () => new Promise<boolean>(() => undefined));
    readiness.register('discord', () => true);
    const report = readiness.report();
    await vi.advanceTimersByTimeAsync(2_000);
    const { ready, results } = await report;
    expect(ready).toBe(false);
    expect(results[0]?.error).toBeInstanceOf(CheckTimeoutError);
    expect(results[1]).toEqual({ name: 'discord', ok: true });
  });

  it('refuses a second check of the same name', () => {
    const readiness = new Readiness();
    readiness.register('engine', () => true);
    expect(() => readiness.register('engine', () => true)).toThrow('"engine" is already registered');
  });
});
