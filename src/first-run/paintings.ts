import { downloadKnownFile, missingFiles, raw, type KnownFile } from './known-files.js';
import type { StoreWording } from '../engine/weights/store.js';

/** Where one painting of the assets comes from, and the sha256 its bytes must have. */
export interface KnownPainting {
  readonly url: string;
  readonly sha256: string;
}

const NEURAL_STYLE = (path: string): string =>
  raw('jcjohnson/neural-style', '07c4b8299f8fbdafec0c514fc820ff1d7ff62e46', path);
const FAST_STYLE = (path: string): string =>
  raw('reiinakano/fast-style-transfer-deeplearnjs', 'bd3a0486e4ed4a02b0b4102a7f12a55e3c935d73', path);
const TFJS_STYLE = (path: string): string =>
  raw('sadelcarpio/neural-style-transfer-tfjs', 'c5f047c32995de75711a65eaafc9e9d4d5843087', path);

/**
 * The paintings of shared/images/styles, by their path in an assets folder, from the repositories and pinned commits
 * shared/images/MANIFEST.md lists, with its sha256: a download can never swap in another picture.
 */
export const KNOWN_PAINTINGS: Readonly<Record<string, KnownPainting>> = {
  'images/styles/vangogh_starry_night.jpg': {
    url: NEURAL_STYLE('examples/inputs/starry_night.jpg'),
    sha256: '0592ab0f7b51b3ce72608a95e53880bd93971e5b48f93a0ce8dfd3cbccf3d098',
  },
  'images/styles/hokusai_great_wave.jpg': {
    url: FAST_STYLE('src/images/wave.jpg'),
    sha256: '5996801da4cd28f339e73f242410a48783a5349fdf2864c89489423e7f292d79',
  },
  'images/styles/munch_the_scream.jpg': {
    url: NEURAL_STYLE('examples/inputs/the_scream.jpg'),
    sha256: 'f3075cddeb974a9ee1d6418f7f33fd05185a7ac7dcb4288bd2805d499a9dcaee',
  },
  'images/styles/turner_the_shipwreck.jpg': {
    url: NEURAL_STYLE('examples/inputs/shipwreck.jpg'),
    sha256: '4f7cf34e3cd4a5daaf3f421f059ca9a01aaa2a3afd7243d6670c9c8bc001a213',
  },
  'images/styles/monet_poppies.png': {
    url: TFJS_STYLE('imgs/las_amapolas.png'),
    sha256: '96569730ccb700bfbab2cb1e10e75f1975e87a444e42155c45fe8a6cdc852af2',
  },
  'images/styles/monet_san_giorgio_maggiore_at_dusk.png': {
    url: TFJS_STYLE('imgs/crepusculo.png'),
    sha256: '17d0cd315cce801b2555bd4b1bd04c8e49f80bb16063cd1203cd0ce477587a17',
  },
  'images/styles/vangogh_wheat_field_with_cypresses.jpg': {
    url: TFJS_STYLE('imgs/campo_cipreses.jpg'),
    sha256: 'c77dfedc9347fbecbd35e21a99accae9ee7724c4d2eb941fdf804dc0880dc73a',
  },
  'images/styles/signac_port_of_la_rochelle.jpg': {
    url: TFJS_STYLE('imgs/puerto_rochele.jpg'),
    sha256: '329b5af54b13914445e93f383e93892c8de28b12f707dc0b864efb83915ddccd',
  },
  'images/styles/renoir_la_grenouillere.jpg': {
    url: TFJS_STYLE('imgs/la_grenoulliere.jpg'),
    sha256: '9f5a2349ea2dc6c70f5ee68b48c160c1a41056573d558bcee484bf28a53abd9c',
  },
  'images/styles/matisse_woman_with_a_hat.jpg': {
    url: NEURAL_STYLE('examples/inputs/woman-with-hat-matisse.jpg'),
    sha256: '6a8b2383d9c110354a97a42c74bdcc5341be879cbb842ddb7ab5843dbdf56d53',
  },
};

/** Far above any of them (the largest is 0.4 MB); stops a wrong answer from filling the disk. */
const MAX_PAINTING_BYTES = 8 * 1024 * 1024;

const WORDING: StoreWording = {
  what: "the presets' paintings",
  variable: 'EASEL_ASSETS',
  pointAt: 'Set EASEL_ASSETS to a folder laid out like ../shared (with images/styles/ in it).',
};

export interface DownloadPaintingsOptions {
  readonly fetch: typeof fetch;
  /** Longest one painting's download may take. */
  readonly timeoutMs: number;
  /** Runs once before the first download, not at all when every painting is there. */
  readonly beforeFirst?: (missing: number) => void;
}

/**
 * Makes sure every known painting is in `assetsRoot`, downloading those missing or damaged, each written atomically
 * and only once its sha256 matches. Resolves to the number downloaded; throws WeightsError naming the file and the fix.
 */
export async function downloadPaintings(assetsRoot: string, options: DownloadPaintingsOptions): Promise<number> {
  const known: KnownFile[] = Object.entries(KNOWN_PAINTINGS).map(([path, painting]) => ({ path, ...painting }));
  const missing = await missingFiles(assetsRoot, known);
  if (missing.length > 0) options.beforeFirst?.(missing.length);
  for (const file of missing) {
    await downloadKnownFile(assetsRoot, file, {
      fetch: options.fetch,
      timeoutMs: options.timeoutMs,
      maxBytes: MAX_PAINTING_BYTES,
      what: 'The painting',
      wording: WORDING,
    });
  }
  return missing.length;
}
