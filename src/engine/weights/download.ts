import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { WeightsError } from './errors.js';
import { VGG19_WORDING, type StoreWording } from './store.js';

export interface DownloadOptions {
  readonly fetch: typeof fetch;
  /** Cancels the download; the promise then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** The whole transfer, headers to last byte, must finish within this time. */
  readonly timeoutMs: number;
  /** The transfer is cut off, as corrupt, once the body grows past this size. */
  readonly maxBytes: number;
  /** How messages name the file; VGG19's weights by default. */
  readonly wording?: StoreWording;
}

/** A finished download kept beside its final name until the caller has checked it. */
export interface StagedFile {
  readonly bytes: Uint8Array;
  /** Moves the file under its final name in one step, so readers never see a partial file. */
  commit(): Promise<void>;
  discard(): Promise<void>;
}

const suggestLocalCopy = ({ variable }: StoreWording): string =>
  `Check the connection, or download the model once and set ${variable} to that local folder.`;

/** Downloads `url` and writes it to a temporary file next to `finalPath`, flushed to disk. */
export async function downloadToStaging(url: string, finalPath: string, options: DownloadOptions): Promise<StagedFile> {
  const bytes = await download(url, options);
  const stagingPath = `${finalPath}.${randomUUID()}.part`;
  const discard = (): Promise<void> => rm(stagingPath, { force: true });
  try {
    const file = await open(stagingPath, 'wx');
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
  } catch (error) {
    await discard();
    throw error;
  }
  return { bytes, commit: () => rename(stagingPath, finalPath), discard };
}

async function download(url: string, options: DownloadOptions): Promise<Uint8Array> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const wording = options.wording ?? VGG19_WORDING;
  let received: number | undefined;
  try {
    const response = await options.fetch(url, { signal, redirect: 'follow' });
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      throw new WeightsError(
        'weights-unreachable',
        `Downloading ${wording.what} from ${url} failed with HTTP status ${response.status}. ${suggestLocalCopy(wording)}`,
      );
    }
    const chunks: Uint8Array[] = [];
    received = 0;
    // A fetch body streams bytes; Node's types leave its chunks as `any`.
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      received += next.value.byteLength;
      if (received > options.maxBytes) {
        await reader.cancel();
        throw new WeightsError(
          'weights-corrupt',
          `The ${wording.what} file at ${url} is larger than its manifest implies (over ${options.maxBytes} bytes); ` +
            'it was not kept. Check that the URL serves an intact copy of the model.',
        );
      }
      chunks.push(next.value);
    }
    return Buffer.concat(chunks, received);
  } catch (error) {
    if (error instanceof WeightsError) throw error;
    if (options.signal?.aborted) throw options.signal.reason;
    const why = timeout.aborted
      ? `it did not finish within ${formatDuration(options.timeoutMs)}`
      : received === undefined
        ? `the connection failed${networkCode(error)}`
        : `the transfer broke off after ${received} bytes`;
    throw new WeightsError(
      'weights-unreachable',
      `Could not download ${wording.what} from ${url}: ${why}. ${suggestLocalCopy(wording)}`,
      {
        cause: error,
      },
    );
  }
}

/** Node's fetch hides the socket error code one level down, e.g. ECONNREFUSED. */
function networkCode(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  const code = cause instanceof Error && 'code' in cause ? cause.code : undefined;
  return typeof code === 'string' ? ` (${code})` : '';
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
