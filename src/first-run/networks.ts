import type { StoreWording } from '../engine/weights/store.js';
import { SHIPPED_NETWORKS, type NetworkId } from '../engine/feedforward/shipped-networks.js';
import { downloadKnownFile, missingFiles, raw, type KnownFile } from './known-files.js';
import type { DownloadProgress } from './progress.js';

const ML5 = (id: string): string =>
  raw('ml5js/ml5-data-and-models', '0612a3e7c51cbffdc5db701dff49d16d1ac26fa8', `models/style-transfer/${id}`);

/**
 * The folder each shipped network's files come from, at the commits shared/models/MANIFEST.md names; every file is
 * then checked against SHIPPED_NETWORKS. Fuchun was later deleted from its repository, but stays at that commit.
 */
export const NETWORK_SOURCES: Readonly<Record<NetworkId, string>> = {
  fuchun: raw(
    'hereiskunalverma/neural-style-transfer-tfjs',
    'eb7b21abc7e462286748386a4110ed19fb11b8e5',
    'models/fuchun',
  ),
  la_muse: ML5('la_muse'),
  mathura: ML5('mathura'),
  matilde_perez: ML5('matilde_perez'),
  matta: ML5('matta'),
  rain_princess: ML5('rain_princess'),
  scream: ML5('scream'),
  udnie: ML5('udnie'),
  wave: ML5('wave'),
  wreck: ML5('wreck'),
};

/** A network's 49 files in an assets folder (models/fast/<id>/…), where they come from and their sha256. */
export function networkFiles(id: NetworkId): KnownFile[] {
  return Object.entries(SHIPPED_NETWORKS[id]).map(([name, sha256]) => ({
    path: `models/fast/${id}/${name}`,
    url: `${NETWORK_SOURCES[id]}/${name}`,
    sha256,
  }));
}

/** The largest variable is 0.6 MB; a wrong answer is cut off well before it can fill the disk. */
const MAX_NETWORK_FILE_BYTES = 4 * 1024 * 1024;

const WORDING: StoreWording = {
  what: "the presets' style networks",
  variable: 'EASEL_ASSETS',
  pointAt: 'Set EASEL_ASSETS to a folder laid out like ../shared (with models/fast/ in it).',
};

export interface DownloadNetworksOptions {
  readonly fetch: typeof fetch;
  /** Longest one file's download may take. */
  readonly timeoutMs: number;
  /** Runs once before the first download, not at all when every network is there. */
  readonly beforeFirst?: (missing: number) => void;
  /** Shows a line per network rather than per file: a network is 49 files. */
  readonly progress?: DownloadProgress;
}

/**
 * Makes sure the networks `ids` are in `assetsRoot`, downloading the files missing or damaged, each written
 * atomically and only once its sha256 matches. Resolves to the number of networks downloaded; throws WeightsError
 * naming the file and the fix.
 */
export async function downloadNetworks(
  assetsRoot: string,
  ids: readonly NetworkId[],
  options: DownloadNetworksOptions,
): Promise<number> {
  const missing: Array<[NetworkId, KnownFile[]]> = [];
  for (const id of ids) {
    const files = await missingFiles(assetsRoot, networkFiles(id));
    if (files.length > 0) missing.push([id, files]);
  }
  if (missing.length > 0) options.beforeFirst?.(missing.length);
  for (const [id, files] of missing) {
    const shown = options.progress?.file(id, undefined);
    for (const file of files) {
      const bytes = await downloadKnownFile(assetsRoot, file, {
        fetch: options.fetch,
        timeoutMs: options.timeoutMs,
        maxBytes: MAX_NETWORK_FILE_BYTES,
        what: `A file of the "${id}" style network`,
        wording: WORDING,
      });
      shown?.advance(bytes);
    }
    shown?.done();
  }
  return missing.length;
}
