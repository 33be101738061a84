import { describe, expect, it } from 'vitest';
import { progressBar, progressLine } from '../../src/cli/progress-bar.js';
import type { Progress } from '../../src/engine/types.js';

/** Two scales of a 100-iteration job: 70 cheap coarse iterations, then 30 at full size. */
function progress(iteration: number, fraction: number): Progress {
  return {
    scale: iteration <= 70 ? 1 : 2,
    scales: 2,
    width: 256,
    height: 192,
    iteration,
    iterations: 100,
    fraction,
    losses: { total: 1234.5678, content: 1, style: 1, tv: 1 },
    elapsedMs: 65_000,
    etaMs: 5_000,
  };
}

describe('the CLI progress bar', () => {
  it("fills by the share of the job's cost done, not by the iteration count", () => {
    // All the coarse iterations done, but only a fifth of the cost: the bar says 20 %, not 70 %.
    const line = progressLine(progress(70, 0.2));
    const rest = 'iteration 70/100 · scale 1/2 (256×192) · loss 1235 · 1m05s elapsed, ~5s left';
    expect(line).toBe(`${'█'.repeat(6)}${'░'.repeat(24)} 20% · ${rest}`);
    expect(progressLine(progress(100, 1))).toMatch(/^█{30} 100% · iteration 100\/100 /);
  });

  it('never shows 100 % before the job is done', () => {
    expect(progressLine(progress(99, 0.999))).toMatch(/^█{29}░ 99% /);
  });

  it('writes one self-overwriting line on a terminal, and nothing elsewhere', () => {
    const written: string[] = [];
    const terminal = { isTTY: true, columns: 40, write: (text: string) => written.push(text) };
    const bar = progressBar(terminal as unknown as NodeJS.WriteStream);
    bar.update(progress(10, 0.05));
    bar.done();
    expect(written).toEqual([`\r${progressLine(progress(10, 0.05)).slice(0, 39)}\x1b[K`, '\r\x1b[K']);

    const piped: string[] = [];
    const notTerminal = { isTTY: false, write: (text: string) => piped.push(text) };
    const pipe = progressBar(notTerminal as unknown as NodeJS.WriteStream);
    pipe.update(progress(10, 0.05));
    pipe.done();
    expect(piped).toEqual([]);
  });
});
