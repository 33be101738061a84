import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { downloadToStaging } from './download.js';
import { WeightsError } from './errors.js';
import {
  findProblem,
  sha256Hex,
  VGG19_WORDING,
  type FileExpectation,
  type StoreWording,
  type WeightsStore,
} from './store.js';

export interface UrlStoreOptions {
  readonly cacheDir: string;
  readonly sha256?: Readonly<Record<string, string>>;
  readonly fetch: typeof fetch;
  readonly signal?: AbortSignal;
  readonly timeoutMs: number;
  readonly onFetch?: (file: string, bytes: number) => void;
  /** How messages name the files; VGG19's weights by default. */
  readonly wording?: StoreWording;
}

/**
 * A model served over http(s). Each file is downloaded at most once into a cache folder keyed by the
 * model.json URL, and verified again whenever it is read from there.
 */
export function openUrlStore(modelUrl: URL, options: UrlStoreOptions): WeightsStore {
  const folder = join(options.cacheDir, sha256Hex(modelUrl.href).slice(0, 16));
  // Left percent-encoded so that no name can reach outside the cache folder.
  const modelFile = modelUrl.pathname.slice(modelUrl.pathname.lastIndexOf('/') + 1);
  const describe = (file: string): string => new URL(file, modelUrl).href;
  const wording = options.wording ?? VGG19_WORDING;

  async function download(file: string, expected: FileExpectation, replacesBadCopy: boolean): Promise<Uint8Array> {
    await mkdir(folder, { recursive: true });
    const staged = await downloadToStaging(describe(file), join(folder, file), {
      fetch: options.fetch,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      maxBytes: expected.length?.max ?? Number.POSITIVE_INFINITY,
      wording,
    });
    const problem = findProblem(staged.bytes, expected, options.sha256?.[file]);
    if (problem !== undefined) {
      await staged.discard();
      const cacheNote = replacesBadCopy
        ? 'Its bad cached copy was deleted and the new download was not kept'
        : 'It was not kept';
      throw new WeightsError(
        'weights-corrupt',
        `The ${wording.what} file downloaded from ${describe(file)} is corrupt: ${problem}. ${cacheNote}. ` +
          `Try again later, or set ${wording.variable} to an intact local copy of the model.`,
      );
    }
    await staged.commit();
    options.onFetch?.(file, staged.bytes.byteLength);
    return staged.bytes;
  }

  return {
    modelFile,
    describe,
    async read(file: string, expected: FileExpectation): Promise<Uint8Array> {
      const cachedPath = join(folder, file);
      const cached = await readFile(cachedPath).catch((error: unknown) => {
        if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (cached === undefined) return download(file, expected, false);
      if (findProblem(cached, expected, options.sha256?.[file]) === undefined) return cached;
      await rm(cachedPath, { force: true });
      return download(file, expected, true);
    },
  };
}
