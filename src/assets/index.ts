import { join, resolve } from 'node:path';
import { openDirectoryStore } from '../engine/weights/directory-store.js';
import { WeightsError } from '../engine/weights/errors.js';
import type { StoreWording, WeightsStore } from '../engine/weights/store.js';
import { openUrlStore } from '../engine/weights/url-store.js';

/**
 * Where easel's data files come from (EASEL_ASSETS): a folder or an http(s) URL laid out like ../shared,
 * e.g. <assets>/models/fast/<network>/manifest.json. Files from a URL are downloaded once into `cacheDir`.
 */
export interface AssetsSource {
  readonly location: string;
  readonly cacheDir: string;
}

export interface OpenAssetOptions {
  /** Used for URLs; the global fetch by default. */
  readonly fetch?: typeof fetch;
  /** Longest one file's download may take; two minutes by default. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Called after each file actually downloaded (not for cache hits or local files). */
  readonly onFetch?: (file: string, bytes: number) => void;
}

const DEFAULT_TIMEOUT_MS = 120_000;

const POINT_EASEL_ASSETS =
  'Set EASEL_ASSETS to a folder laid out like ../shared (with models/fast/<network>/ in it), ' +
  'or to an http(s) URL of one.';

/**
 * One folder of the assets, e.g. "models/fast/wave", as a store of files read by name and checked against
 * `sha256` (file name → hex digest) on every read. `indexFile` names the folder's first file; a URL source keys
 * its cache folder by that file's URL. The stores are those of the VGG19 weights, worded for `what`.
 */
export async function openAssetFolder(
  source: AssetsSource,
  folder: string,
  indexFile: string,
  what: string,
  sha256: Readonly<Record<string, string>>,
  options: OpenAssetOptions = {},
): Promise<WeightsStore> {
  const wording: StoreWording = { what, variable: 'EASEL_ASSETS', pointAt: POINT_EASEL_ASSETS };
  const location = source.location.trim();
  if (/^https?:\/\//i.test(location)) {
    const root = location.endsWith('/') ? location : `${location}/`;
    return openUrlStore(new URL(`${folder}/${indexFile}`, root), {
      cacheDir: source.cacheDir,
      sha256,
      fetch: options.fetch ?? fetch,
      signal: options.signal,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      onFetch: options.onFetch,
      wording,
    });
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new WeightsError('weights-missing', `The ${what} cannot be loaded from "${location}". ${POINT_EASEL_ASSETS}`);
  }
  return openDirectoryStore(join(resolve(location), folder), sha256, wording);
}
