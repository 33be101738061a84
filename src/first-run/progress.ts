import { basename } from 'node:path';
import { formatBytes } from '../images/errors.js';

/** Least time between two redraws of a bar; a fast download would otherwise write thousands of lines a second. */
const REDRAW_MS = 100;
const BAR_WIDTH = 24;

/** The stream a DownloadProgress writes to; process.stderr by default. */
export type ProgressStream = Pick<NodeJS.WriteStream, 'write' | 'isTTY'>;

/**
 * What the first start downloads, shown on stderr apart from the JSON log: a heading, then a bar per file that
 * redraws itself on a terminal, or one line per finished file where stderr is a log or a pipe.
 */
export class DownloadProgress {
  readonly #stream: ProgressStream;
  #heading: string | undefined;
  #bar = '';
  #files = 0;
  #bytes = 0;

  constructor(stream: ProgressStream = process.stderr) {
    this.#stream = stream;
  }

  /** Files and bytes downloaded so far. */
  get totals(): { readonly files: number; readonly bytes: number } {
    return { files: this.#files, bytes: this.#bytes };
  }

  /** Says once what is being downloaded, where from and where to; later calls do nothing. */
  announce(heading: string): void {
    if (this.#heading !== undefined) return;
    this.#heading = heading;
    this.#stream.write(`${heading}\n`);
  }

  /** A file starting to download, `total` bytes long when the server says so. */
  file(name: string, total: number | undefined): { advance(bytes: number): void; done(): void } {
    let received = 0;
    let drawnAt = Number.NEGATIVE_INFINITY;
    const draw = (): void => {
      drawnAt = Date.now();
      this.#redraw(fileLine(name, received, total));
    };
    return {
      advance: (bytes) => {
        received += bytes;
        this.#bytes += bytes;
        if (this.#stream.isTTY && Date.now() - drawnAt >= REDRAW_MS) draw();
      },
      done: () => {
        this.#files++;
        if (this.#stream.isTTY) this.#redraw('');
        this.#stream.write(`  ✓ ${name} (${formatBytes(received)})\n`);
      },
    };
  }

  /** Clears a bar left half-drawn by a download that failed, so the error starts on a line of its own. */
  end(): void {
    this.#redraw('');
  }

  #redraw(line: string): void {
    if (!this.#stream.isTTY || (line === '' && this.#bar === '')) return;
    this.#bar = line;
    this.#stream.write(`\r${line}\x1b[K`);
  }
}

function fileLine(name: string, received: number, total: number | undefined): string {
  if (total === undefined || total <= 0) return `  ${name}  ${formatBytes(received)}`;
  const share = Math.min(1, received / total);
  const filled = Math.round(share * BAR_WIDTH);
  const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
  return `  ${name}  ${bar} ${String(Math.floor(share * 100)).padStart(3)}%  ${formatBytes(received)} of ${formatBytes(total)}`;
}

function fileName(input: string | URL | Request): string {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  return decodeURIComponent(basename(new URL(url).pathname));
}

/**
 * `inner`, with every response body counted into `progress` as it arrives. `onFirst` runs before the first
 * request, so a heading appears only when something is actually downloaded, never for files already cached.
 */
export function reportingFetch(inner: typeof fetch, progress: DownloadProgress, onFirst: () => void): typeof fetch {
  return async (input, init) => {
    onFirst();
    const response = await inner(input, init);
    if (!response.ok || response.body === null) return response;
    const length = Number(response.headers.get('content-length'));
    const file = progress.file(fileName(input), Number.isFinite(length) && length > 0 ? length : undefined);
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          file.advance(chunk.byteLength);
          controller.enqueue(chunk);
        },
        flush() {
          file.done();
        },
      }),
    );
    return new Response(counted, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
