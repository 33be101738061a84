import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RgbImage } from '../../../src/engine/types.js';
import { StatusUpdater, type StatusSink, type StatusView } from '../../../src/jobs/status/index.js';

const PREVIEW: RgbImage = { width: 1, height: 1, data: new Uint8Array([1, 2, 3]) };

function view(line: string, extra: Partial<StatusView> = {}): StatusView {
  return { headline: { label: 'Great Wave', requesterId: 'U1' }, stage: 'painting', line, buttons: [], ...extra };
}

interface Call {
  readonly kind: 'post' | 'edit';
  readonly view: StatusView;
  settle(outcome?: 'ok' | 'fail'): Promise<void>;
}

/** A sink whose calls finish only when the test settles them. */
function heldSink(): { sink: StatusSink; calls: Call[]; sent: () => string[] } {
  const calls: Call[] = [];
  const record = (kind: Call['kind']) => (shown: StatusView) =>
    new Promise<void>((resolve, reject) => {
      calls.push({
        kind,
        view: shown,
        async settle(outcome = 'ok') {
          if (outcome === 'ok') resolve();
          else reject(new Error('429: rate limited'));
          await vi.advanceTimersByTimeAsync(0);
        },
      });
    });
  return {
    sink: { post: record('post'), edit: record('edit') },
    calls,
    sent: () => calls.map((call) => `${call.kind} ${call.view.line}`),
  };
}

function quietLogger() {
  const logger = pino({ level: 'silent' });
  return { logger, warn: vi.spyOn(logger, 'warn') };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('StatusUpdater', () => {
  it('posts the first view at once, then edits, one call at a time, with only the newest view', async () => {
    const { sink, calls, sent } = heldSink();
    const updater = new StatusUpdater(sink, 0, quietLogger().logger);
    updater.show(view('1%'));
    await vi.advanceTimersByTimeAsync(0);
    for (const line of ['2%', '3%', '4%']) updater.show(view(line));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent()).toEqual(['post 1%']);

    await calls[0]!.settle();
    expect(sent()).toEqual(['post 1%', 'edit 4%']);
  });

  it('leaves at least the interval between the starts of two calls', async () => {
    const { sink, calls, sent } = heldSink();
    const updater = new StatusUpdater(sink, 3000, quietLogger().logger);
    updater.show(view('1%'));
    await vi.advanceTimersByTimeAsync(0);
    await calls[0]!.settle();
    await vi.advanceTimersByTimeAsync(100);
    updater.show(view('2%'));

    await vi.advanceTimersByTimeAsync(2899);
    expect(sent()).toEqual(['post 1%']);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent()).toEqual(['post 1%', 'edit 2%']);
  });

  it('logs a failed edit, never throws, and goes on with the next view', async () => {
    const { sink, calls, sent } = heldSink();
    const { logger, warn } = quietLogger();
    const updater = new StatusUpdater(sink, 0, logger);
    updater.show(view('1%'));
    await vi.advanceTimersByTimeAsync(0);
    await calls[0]!.settle();
    updater.show(view('2%'));
    await vi.advanceTimersByTimeAsync(0);
    await calls[1]!.settle('fail');
    expect(warn).toHaveBeenCalledTimes(1);

    updater.show(view('3%'));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent()).toEqual(['post 1%', 'edit 2%', 'edit 3%']);
  });

  it('posts again when the post failed, instead of editing a message that is not there', async () => {
    const { sink, calls, sent } = heldSink();
    const updater = new StatusUpdater(sink, 0, quietLogger().logger);
    updater.show(view('queued'));
    await vi.advanceTimersByTimeAsync(0);
    await calls[0]!.settle('fail');
    updater.show(view('1%'));
    await vi.advanceTimersByTimeAsync(0);
    await calls[1]!.settle();
    updater.show(view('2%'));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent()).toEqual(['post queued', 'post 1%', 'edit 2%']);
  });

  it('sends the final view right after the call in flight, ignores later views, and retries it with pauses', async () => {
    const { sink, calls, sent } = heldSink();
    const { logger, warn } = quietLogger();
    const updater = new StatusUpdater(sink, 60_000, logger);
    updater.show(view('50%'));
    await vi.advanceTimersByTimeAsync(0);
    updater.show(view('60%'));
    let finished = false;
    void updater.finish(view('Done', { stage: 'done' })).then(() => (finished = true));
    updater.show(view('70%'));

    await calls[0]!.settle();
    expect(sent()).toEqual(['post 50%', 'edit Done']);
    await calls[1]!.settle('fail');
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent()).toEqual(['post 50%', 'edit Done', 'edit Done']);
    await calls[2]!.settle('fail');
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls).toHaveLength(4);
    expect(finished).toBe(false);

    await calls[3]!.settle('fail');
    expect(finished).toBe(true);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(sent().at(-1)).toBe('edit Done');
  });

  it('keeps the preview of a view that was superseded before it was sent', async () => {
    const { sink, calls } = heldSink();
    const updater = new StatusUpdater(sink, 0, quietLogger().logger);
    updater.show(view('1%'));
    await vi.advanceTimersByTimeAsync(0);
    updater.show(view('2%', { preview: PREVIEW }));
    updater.show(view('3%'));
    await calls[0]!.settle();
    expect(calls[1]!.view).toMatchObject({ line: '3%', preview: PREVIEW });

    const newer: RgbImage = { ...PREVIEW, data: new Uint8Array([9, 9, 9]) };
    updater.show(view('4%', { preview: PREVIEW }));
    updater.show(view('5%', { preview: newer }));
    await calls[1]!.settle();
    expect(calls[2]!.view.preview).toBe(newer);

    updater.show(view('6%', { preview: PREVIEW }));
    const done = updater.finish(view('Done', { stage: 'done' }));
    await calls[2]!.settle();
    expect(calls[3]!.view.preview).toBeUndefined();
    await calls[3]!.settle();
    await done;
  });
});
