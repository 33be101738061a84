import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../../src/engine/options.js';
import type { Progress, RgbImage } from '../../../src/engine/types.js';
import type { JobSpec } from '../../../src/jobs/job.js';
import {
  finishedPainting,
  headlineOf,
  isFinal,
  presentEvent,
  presentFinished,
  progressPercent,
} from '../../../src/jobs/status/index.js';
import { solidImage } from '../../fixtures/images.js';

const spec: JobSpec = {
  kind: 'gatys',
  requester: { platform: 'test', userId: 'U1' },
  content: solidImage(32, 32, [200, 100, 50]),
  styles: [solidImage(32, 32, [10, 20, 30])],
  options: { ...DEFAULT_OPTIONS, size: 512, iterations: 50, seed: 7 },
  label: 'The Great Wave',
};
const headline = headlineOf(spec);
const losses = { total: 1, content: 1, style: 1, tv: 1 };

/** Progress with its cost share equal to its share of iterations, unless `extra` says otherwise. */
function progress(iteration: number, iterations = 50, extra: Partial<Progress> = {}): Progress {
  const fraction = iterations > 0 ? iteration / iterations : 0;
  return {
    scale: 1,
    scales: 1,
    width: 64,
    height: 64,
    iteration,
    iterations,
    fraction,
    losses,
    elapsedMs: 1,
    etaMs: 70_000,
    ...extra,
  };
}

describe('progressPercent', () => {
  it("is the whole percentage of the job's cost done, within 0..100 whatever the numbers", () => {
    expect(progressPercent(progress(21))).toBe(42);
    expect(progressPercent(progress(5, 50, { fraction: 0.31 }))).toBe(31);
    expect(progressPercent(progress(0, 0))).toBe(0);
    expect(progressPercent(progress(60))).toBe(100);
    expect(progressPercent(progress(199, 200))).toBe(99);
    expect(progressPercent(progress(200, 200))).toBe(100);
  });
});

describe('presentEvent', () => {
  it('shows the place in line, with a Cancel button, for the job named', () => {
    expect(presentEvent(headline, 'job-1', { type: 'queued', position: 3, etaMs: 125_000 })).toEqual({
      headline: { label: 'The Great Wave', requesterId: 'U1' },
      stage: 'waiting',
      line: "You're #3 in line · starts in about 2 min",
      buttons: [{ kind: 'cancel', jobId: 'job-1' }],
    });
    expect(presentEvent(headline, 'job-1', { type: 'moved', position: 1, etaMs: 3000 }).line).toBe(
      "You're next in line · starts in a few seconds",
    );
  });

  it('shows the start and progress as a whole percentage, carrying a preview when there is one', () => {
    expect(presentEvent(headline, 'job-1', { type: 'started', etaMs: 40_000 })).toMatchObject({
      stage: 'painting',
      line: 'Starting to paint · about 40 s to go',
    });
    const preview: RgbImage = solidImage(4, 4, [1, 2, 3]);
    const shown = presentEvent(headline, 'job-1', { type: 'progress', progress: progress(21, 50, { preview }) });
    expect(shown).toMatchObject({
      stage: 'painting',
      line: 'Painting… 42% · iteration 21/50 · about 1 min left',
      preview,
    });
    expect(shown.buttons).toEqual([{ kind: 'cancel', jobId: 'job-1' }]);
    expect(presentEvent(headline, 'job-1', { type: 'progress', progress: progress(22) })).not.toHaveProperty('preview');
  });

  it('ends failed and cancelled jobs with no buttons', () => {
    const failed = presentEvent(headline, 'job-1', { type: 'failed', message: 'The style image is damaged.' });
    expect(failed).toMatchObject({ stage: 'failed', line: 'The style image is damaged.', buttons: [] });
    const cancelled = presentEvent(headline, 'job-1', { type: 'cancelled', reason: 'user' });
    expect(cancelled).toMatchObject({ stage: 'cancelled', line: 'Cancelled. Nothing was painted.', buttons: [] });
    expect([failed, cancelled].every(isFinal)).toBe(true);
    expect(isFinal(presentEvent(headline, 'job-1', { type: 'started', etaMs: 0 }))).toBe(false);
  });
});

describe('presentFinished', () => {
  const painting = finishedPainting(spec, {
    type: 'done',
    png: Buffer.from('png'),
    result: {
      image: spec.content,
      backend: 'onnx',
      iterations: 50,
      ms: 4230,
      losses: { initial: losses, final: losses },
    },
  });

  it('words the result and its settings once for every platform', () => {
    expect(painting.done).toBe('Done in 4.2 s.');
    expect(painting.settings).toMatch(/^Made with The Great Wave · size 512 · seed 7 · iterations 50 · 4.2 s$/);
  });

  it('points to where the result went, or puts it on the status message, or says it was lost', () => {
    expect(presentFinished(painting, { kind: 'posted', where: '<#42>' })).toEqual({
      headline,
      stage: 'done',
      line: "Done in 4.2 s. It's in the thread: <#42>",
      buttons: [],
    });
    expect(presentFinished(painting, { kind: 'posted' }).line).toBe('Done in 4.2 s.');
    expect(presentFinished(painting, { kind: 'on-status' })).toMatchObject({
      stage: 'done',
      line: `Here it is!\n${painting.settings}`,
      result: painting.png,
    });
    const remixes = [{ kind: 'remix', jobId: 'j1', action: 'more', label: 'More style' }] as const;
    const withButtons = { ...painting, remixes };
    // The result's own message carries its buttons (Discord), or the status does, with how it was made (Slack).
    expect(presentFinished(withButtons, { kind: 'posted', withRemixes: true }).buttons).toEqual([]);
    expect(presentFinished(withButtons, { kind: 'posted' })).toMatchObject({
      line: `Done in 4.2 s.\n${painting.settings}`,
      buttons: remixes,
    });
    expect(presentFinished(withButtons, { kind: 'on-status' }).buttons).toEqual(remixes);
    expect(presentFinished(painting, { kind: 'lost' })).toMatchObject({
      stage: 'failed',
      line: "I finished the picture but couldn't upload it here. Please try again in a minute.",
    });
  });
});
