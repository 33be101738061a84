import { join } from 'node:path';
import type { PresetsConfig } from '../config/index.js';
import type { NetworkId } from '../engine/feedforward/shipped-networks.js';
import type { LayerName } from '../engine/vgg19.js';
import { loadConvWeights } from '../engine/weights/load.js';
import type { WeightsSource } from '../engine/weights/types.js';
import { formatBytes } from '../images/errors.js';
import { elapsed } from '../jobs/messages.js';
import { downloadNetworks } from './networks.js';
import { downloadPaintings } from './paintings.js';
import { DownloadProgress, reportingFetch, type ProgressStream } from './progress.js';

/**
 * The first start on a fresh machine: what easel needs that is not there yet is downloaded from its default source
 * into the cache, in the main process and before the engine starts, so that the operator sees what is happening
 * (on stderr, apart from the JSON log) and every engine worker then finds it cached.
 */

export interface FirstRunOptions {
  /** The global fetch by default. */
  readonly fetch?: typeof fetch;
  /** process.stderr by default. */
  readonly stream?: ProgressStream;
}

const PAINTING_TIMEOUT_MS = 60_000;

/** `unit`: what the progress counts as one item, a file unless it shows a line per network. */
function summary(progress: DownloadProgress, what: string, startedAt: number, unit = 'file'): string {
  const { files, bytes } = progress.totals;
  const count = `${files} ${unit}${files === 1 ? '' : 's'}`;
  return `  ${what} ready: ${count}, ${formatBytes(bytes)} in ${elapsed(Date.now() - startedAt)}.\n`;
}

/** Downloads the presets' paintings into the cache, when the assets live there (no EASEL_ASSETS, no ../shared). */
export async function ensurePaintings(presets: PresetsConfig, options: FirstRunOptions = {}): Promise<void> {
  if (!presets.downloadPaintings) return;
  const stream = options.stream ?? process.stderr;
  const progress = new DownloadProgress(stream);
  const folder = join(presets.assets.location, 'images', 'styles');
  const startedAt = Date.now();
  try {
    const downloaded = await downloadPaintings(presets.assets.location, {
      fetch: reportingFetch(options.fetch ?? fetch, progress, () => undefined),
      timeoutMs: PAINTING_TIMEOUT_MS,
      beforeFirst: (missing) =>
        progress.announce(
          `easel: downloading ${missing} paintings for the presets into ${folder} (once; they are kept there). ` +
            'EASEL_ASSETS can point at a folder of your own instead.',
        ),
    });
    if (downloaded > 0) stream.write(summary(progress, 'Paintings', startedAt));
  } finally {
    progress.end();
  }
}

/** A network's files are small; 60 s is for the slowest of them on a slow line. */
const NETWORK_FILE_TIMEOUT_MS = 60_000;

/**
 * Downloads the presets' style networks into the cache, when the assets live there, so that the first reaction is
 * answered in a second like every later one.
 */
export async function ensureNetworks(
  presets: PresetsConfig,
  ids: readonly NetworkId[],
  options: FirstRunOptions = {},
): Promise<void> {
  if (!presets.downloadPaintings) return;
  const stream = options.stream ?? process.stderr;
  const progress = new DownloadProgress(stream);
  const folder = join(presets.assets.location, 'models', 'fast');
  const startedAt = Date.now();
  try {
    const downloaded = await downloadNetworks(presets.assets.location, ids, {
      fetch: options.fetch ?? fetch,
      timeoutMs: NETWORK_FILE_TIMEOUT_MS,
      progress,
      beforeFirst: (missing) =>
        progress.announce(
          `easel: downloading ${missing} style networks for the presets into ${folder} (once; they are kept there). ` +
            'EASEL_ASSETS can point at a folder of your own instead.',
        ),
    });
    if (downloaded > 0) stream.write(summary(progress, 'Style networks', startedAt, 'network'));
  } finally {
    progress.end();
  }
}

/**
 * Downloads the VGG19 weights the engine will read into the cache, when they come from a URL and are not cached
 * yet. Once they are, this reads and checks the cached files, a fraction of a second, and downloads nothing.
 */
export async function ensureWeights(
  weights: WeightsSource,
  layers: readonly LayerName[],
  options: FirstRunOptions = {},
): Promise<void> {
  const location = weights.location.trim();
  if (!/^https?:\/\//i.test(location)) return;
  const stream = options.stream ?? process.stderr;
  const progress = new DownloadProgress(stream);
  const announce = (): void =>
    progress.announce(
      `easel: downloading the VGG19 weights it paints with from ${new URL(location).host} into ${weights.cacheDir} ` +
        '(once; they are kept there). EASEL_VGG19 can point at a local copy instead.',
    );
  const startedAt = Date.now();
  try {
    await loadConvWeights(weights, layers, { fetch: reportingFetch(options.fetch ?? fetch, progress, announce) });
  } finally {
    progress.end();
  }
  if (progress.totals.files > 0) stream.write(summary(progress, 'VGG19 weights', startedAt));
}
