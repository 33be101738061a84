import type { Progress } from '../engine/types.js';

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** One self-overwriting line on a terminal; nothing at all when stderr is not a TTY (logs, pipes, CI). */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): { update: (p: Progress) => void; done: () => void } {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  const width = 30;
  return {
    update(p) {
      const filled = Math.round((p.iteration / p.iterations) * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      const line = `${bar} ${p.iteration}/${p.iterations} · scale ${p.scale}/${p.scales} (${p.width}×${p.height}) · loss ${p.losses.total.toPrecision(4)} · ${duration(p.elapsedMs)} elapsed, ~${duration(p.etaMs)} left`;
      stream.write(`\r${line.slice(0, (stream.columns || 120) - 1)}\x1b[K`);
    },
    done() {
      stream.write('\r\x1b[K');
    },
  };
}
