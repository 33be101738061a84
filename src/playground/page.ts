import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { encodeImage } from '../images/encode.js';
import { resizeImage } from '../images/resize.js';
import type { PlatformDeps } from '../jobs/platform.js';
import { emojiLabel, type PresetCatalog } from '../jobs/presets.js';
import { formFields, formValues, presetBase, type FieldValue, type FormField } from './form.js';

/** A file of the page: its bytes and content type. */
export interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

/**
 * The page's files, beside this module: src/playground/page/ when run from the sources, dist/playground/page/ once
 * built (the build copies them there).
 */
const PAGE_FOLDER = new URL('./page/', import.meta.url);

const PAGE_FILES: Readonly<Record<string, string>> = {
  '/': 'index.html',
  '/app.js': 'app.js',
  '/style.css': 'style.css',
  '/favicon.svg': 'favicon.svg',
};

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/** Reads the page's files once, at start; a build without them stops the start with what to do. */
export async function loadPage(): Promise<ReadonlyMap<string, Asset>> {
  const assets = new Map<string, Asset>();
  for (const [path, file] of Object.entries(PAGE_FILES)) {
    const url = new URL(file, PAGE_FOLDER);
    const body = await readFile(url).catch(() => {
      throw new Error(`The playground's page is missing (${fileURLToPath(url)}); run \`npm run build\` again.`);
    });
    assets.set(path, { type: TYPES[file.slice(file.lastIndexOf('.') + 1)] ?? 'application/octet-stream', body });
  }
  return assets;
}

/** One preset as the page's picker shows it. */
export interface SetupPreset {
  /** What the form sends, e.g. "wave". */
  readonly id: string;
  readonly name: string;
  /** As plain text shows it: a Discord server's own emoji as `:name:`. */
  readonly emoji: string;
  /** Who made the style, e.g. "The Great Wave off Kanagawa, Katsushika Hokusai, c. 1831". */
  readonly credit: string;
  /** A small picture of its painting; a preset with only a style network has none, and the page draws its emoji. */
  readonly image?: string;
  /** Whether it has a style network, which paints it in a moment while its settings are left as they are. */
  readonly instant: boolean;
  /** Each field's value with this preset: its painting's settings, or the defaults for a style network alone. */
  readonly values: Readonly<Record<string, FieldValue>>;
}

/** What the page's script needs to draw the form: the settings, the presets and the upload cap. */
export interface Setup {
  readonly fields: readonly FormField[];
  /** Each field's value for a painting of one's own. */
  readonly defaults: Readonly<Record<string, FieldValue>>;
  readonly presets: readonly SetupPreset[];
  readonly maxUploadBytes: number;
}

export function setupFor(deps: PlatformDeps): Setup {
  const { options } = deps.limits;
  return {
    fields: formFields(options),
    defaults: formValues(deps.presets.defaults, options),
    presets: deps.presets.list().map((preset) => ({
      id: preset.id,
      name: preset.name,
      emoji: emojiLabel(preset.emoji),
      credit: preset.credit,
      ...(preset.painting ? { image: `/presets/${preset.id}.jpg` } : {}),
      instant: preset.network !== undefined,
      values: formValues(presetBase(preset, deps.presets), options),
    })),
    maxUploadBytes: deps.limits.maxDownloadBytes,
  };
}

/** Longest side of a preset's picture on the page: sharp on a high-density screen at the gallery's size. */
const THUMBNAIL_SIDE = 360;

/** Each preset's painting as a small JPEG, made the first time it is asked for. */
export class Thumbnails {
  readonly #presets: PresetCatalog;
  readonly #made = new Map<string, Promise<Buffer>>();

  constructor(presets: PresetCatalog) {
    this.#presets = presets;
  }

  /** Undefined for an id that is no preset, or a preset without a painting. */
  get(id: string): Promise<Buffer> | undefined {
    const painting = this.#presets.byId(id)?.painting;
    if (painting === undefined) return undefined;
    let made = this.#made.get(id);
    if (made === undefined) {
      made = painting.load().then(async (image) => encodeImage(await resizeImage(image, THUMBNAIL_SIDE), 'jpeg', 82));
      made.catch(() => this.#made.delete(id));
      this.#made.set(id, made);
    }
    return made;
  }
}
