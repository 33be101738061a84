import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../src/engine/options.js';
import { OptionError } from '../../src/errors.js';
import { elapsed, progressLine, queueLine, roughDuration, settingsLine, userMessage } from '../../src/jobs/messages.js';

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

  it('lists the settings used', () => {
    const options = {
      ...DEFAULT_OPTIONS,
      size: 512,
      iterations: 100,
      optimizer: 'lbfgs' as const,
      contentWeight: 1,
      styleWeight: 0.001,
      tvWeight: 1 / 3,
      seed: 7,
    };
    expect(settingsLine('The Great Wave', { ...options, preserveColors: true })).toBe(
      'The Great Wave · 512 px · 100 iterations (lbfgs) · content weight 1 · style weight 0.001 · tv weight 0.333 · seed 7 · original colours kept',
    );
  });
});
