import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../src/engine/options.js';
import { OptionError } from '../../src/errors.js';
import type { JobSpec } from '../../src/jobs/job.js';
import { elapsed, madeWithLine, progressLine, queueLine, roughDuration, userMessage } from '../../src/jobs/messages.js';

const losses = { total: 1, content: 1, style: 1, tv: 1 };
const progress = {
  scale: 1,
  scales: 1,
  width: 64,
  height: 64,
  iteration: 21,
  iterations: 50,
  fraction: 0.42,
  losses,
  elapsedMs: 1,
  etaMs: 70_000,
};

describe('messages', () => {
  it('words progress and the line', () => {
    expect(progressLine(progress)).toBe('Painting… 42% · iteration 21/50 · about 1 min left');
    expect(queueLine(1, 3000)).toBe("You're next in line · starts in a few seconds");
    expect(queueLine(3, 125_000)).toBe("You're #3 in line · starts in about 2 min");
  });

  it('never shows NaN or undefined for odd numbers', () => {
    const odd = progressLine({ ...progress, iterations: 0, etaMs: Number.NaN });
    expect(odd).not.toMatch(/NaN|undefined|Infinity/);
    expect(roughDuration(Number.POSITIVE_INFINITY)).toBe('a few seconds');
    expect(roughDuration(40_000)).toBe('about 40 s');
    expect(roughDuration(3 * 3_600_000 + 60_000)).toBe('about 3 h 1 min');
    expect(elapsed(4_230)).toBe('4.2 s');
    expect(elapsed(65_000)).toBe('1 min 5 s');
  });

  it('shows user errors as they are and hides everything else', () => {
    expect(userMessage(new OptionError('size', { kind: 'range', min: 32, max: 1024 }, { given: 2000 }))).toBe(
      '`size` must be between 32 and 1024; got 2000.',
    );
    const hidden = userMessage(new TypeError("Cannot read properties of undefined (reading 'data')"));
    expect(hidden).toContain('Sorry');
    expect(hidden).not.toContain('undefined');
  });

  it('says how a result was made in one line of /stylize options: preset or style, strength, size, seed, iterations, time', () => {
    const options = {
      ...DEFAULT_OPTIONS,
      size: 512,
      iterations: 100,
      seed: 7,
      preserveColors: true,
      init: 'noise' as const,
    };
    const image = { width: 4, height: 4, data: new Uint8Array(48) };
    const gatys = (recipe: JobSpec['recipe']): JobSpec => ({
      kind: 'gatys',
      requester: { platform: 'discord', userId: '1' },
      content: image,
      styles: [image],
      options,
      label: 'The Great Wave',
      ...(recipe ? { recipe } : {}),
    });
    const result = { image, backend: 'onnx', ms: 41_200 } as const;
    const fromPreset = gatys({
      presetId: 'wave',
      settings: { strength: 7, preserveColors: true, init: 'noise', seed: 7 },
    });
    expect(madeWithLine(fromPreset, result)).toBe(
      'Made with preset wave · strength 7 · size 512 · seed 7 · iterations 100 · preserve_colors yes · init noise · 41 s',
    );
    expect(madeWithLine(gatys({ settings: {} }), result)).toBe(
      'Made with your style image · strength 5 · size 512 · seed 7 · iterations 100 · 41 s',
    );
    // A job with no recipe (a gallery tile's): its label, and no strength.
    expect(madeWithLine(gatys(undefined), result)).toBe(
      'Made with The Great Wave · size 512 · seed 7 · iterations 100 · 41 s',
    );
    const network: JobSpec = {
      kind: 'network',
      requester: { platform: 'slack', userId: 'U1' },
      content: image,
      label: 'The Great Wave',
      networkId: 'wave',
      size: 256,
      recipe: { presetId: 'wave', settings: {} },
    };
    expect(madeWithLine(network, { ...result, ms: 310 })).toBe(
      'Made with preset wave · style network · size 256 · 0.3 s',
    );
  });
});
