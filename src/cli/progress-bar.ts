import type { Progress } from '../engine/types.js';
import { progressPercent } from '../jobs/status/progress.js';

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

const WIDTH = 30;

/** The line for one progress event: the bar and percentage follow the share of the job's cost done (see Progress). */
export function progressLine(p: Progress): string {
  const percent = progressPercent(p);
  // Iterations are a poor measure: most of them run at the cheap coarse scales, so the bar would race, then crawl.
  const filled = Math.floor((percent / 100) * WIDTH);
  const bar = '█'.repeat(filled) + '░'.repeat(WIDTH - filled);
  return (
    `${bar} ${percent}% · iteration ${p.iteration}/${p.iterations} · scale ${p.scale}/${p.scales} ` +
    `(${p.width}×${p.height}) · loss ${p.losses.total.toPrecision(4)} · ` +
    `${duration(p.elapsedMs)} elapsed, ~${duration(p.etaMs)} left`
  );
}

/** One self-overwriting line on a terminal; nothing at all when stderr is not a TTY (logs, pipes, CI). */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): {
  update: (p: Progress) => void;
  done: () => void;
} {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  return {
    update(p) {
      stream.write(`\r${progressLine(p).slice(0, (stream.columns || 120) - 1)}\x1b[K`);
    },
    done() {
      stream.write('\r\x1b[K');
    },
  };
}
