import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { RgbImage } from '../engine/types.js';
import type { Preset, PresetCatalog } from '../jobs/presets.js';
import { drawSheet } from './sheet.js';

export { queuePainter, GALLERY_MEMBER } from './painter.js';

/**
 * The presets gallery (`/presets`): one picture of every preset applied to the same photo, each labelled with its
 * emoji and name, and the credits to go with it. Painting it takes a few seconds for the style networks and minutes
 * for presets with only a painting, so it is made once and kept: in memory, and as a PNG in the cache folder, under
 * a name that changes whenever a preset, its settings or the photo does.
 */

export interface GalleryPicture {
  readonly png: Buffer;
  /** The presets in the picture's order, each with what it credits. */
  readonly presets: readonly Preset[];
}

/** Paints one preset's tile of the photo; the tiles are asked for one at a time. */
export type TilePainter = (preset: Preset, photo: RgbImage) => Promise<RgbImage>;

export interface GalleryOptions {
  readonly presets: PresetCatalog;
  readonly paint: TilePainter;
  /** Where the finished picture is kept across restarts; without one it is kept in memory only. */
  readonly cacheDir?: string;
  readonly logger: Logger;
}

/** Bumped when the sheet's layout changes, so that a picture drawn by older code is not served. */
const LAYOUT_VERSION = 1;

function sha256(...parts: ReadonlyArray<string | Uint8Array>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

export class PresetGallery {
  readonly #options: GalleryOptions;
  #picture: Promise<GalleryPicture> | undefined;

  constructor(options: GalleryOptions) {
    this.#options = options;
  }

  /** The gallery, made on the first call and shared by every later one; a failed attempt is tried again next time. */
  picture(): Promise<GalleryPicture> {
    this.#picture ??= this.#make().catch((err: unknown) => {
      this.#picture = undefined;
      throw err;
    });
    return this.#picture;
  }

  async #make(): Promise<GalleryPicture> {
    const { presets: catalog, cacheDir, logger } = this.#options;
    const presets = catalog.list();
    const photo = await catalog.galleryPhoto();
    const file = cacheDir === undefined ? undefined : join(cacheDir, `presets-${await this.#key(presets, photo)}.png`);
    const cached = file === undefined ? undefined : await readFile(file).catch(() => undefined);
    if (cached) return { png: cached, presets };

    const started = Date.now();
    const png = await drawSheet(await this.#paintAll(presets, photo));
    logger.info({ presets: presets.length, ms: Date.now() - started }, 'presets gallery painted');
    if (file !== undefined) await this.#keep(file, png);
    return { png, presets };
  }

  /** Style networks first, as they take a moment, then the paintings; the tiles keep the catalogue's order. */
  async #paintAll(presets: readonly Preset[], photo: RgbImage) {
    const painted = new Map<Preset, RgbImage>();
    const order = [...presets.filter((preset) => preset.network), ...presets.filter((preset) => !preset.network)];
    for (const preset of order) painted.set(preset, await this.#options.paint(preset, photo));
    return presets.map((preset) => ({ image: painted.get(preset)!, emoji: preset.emoji, name: preset.name }));
  }

  /** What the picture depends on: each preset as the gallery paints it, the paintings' and the photo's pixels. */
  async #key(presets: readonly Preset[], photo: RgbImage): Promise<string> {
    const described = await Promise.all(
      presets.map(async ({ id, name, emoji, network, painting }) => ({
        id,
        name,
        emoji,
        network,
        painting: painting && { options: painting.base, pixels: sha256((await painting.load()).data) },
      })),
    );
    return sha256(JSON.stringify({ LAYOUT_VERSION, described }), photo.data).slice(0, 16);
  }

  /** Written under a temporary name first, so that a crash never leaves half a picture to be served later. */
  async #keep(file: string, png: Buffer): Promise<void> {
    try {
      await mkdir(join(file, '..'), { recursive: true });
      const partial = `${file}.${process.pid}.partial`;
      await writeFile(partial, png);
      await rename(partial, file);
    } catch (err) {
      const what = 'could not keep the presets gallery; it will be painted again after a restart';
      this.#options.logger.warn({ err, file }, what);
    }
  }
}

/** The credits, one line per preset: its emoji as `emoji(preset)` writes it, its name as `name(…)` writes it. */
export function creditLines(
  presets: readonly Preset[],
  emoji: (preset: Preset) => string,
  name: (text: string) => string,
): string[] {
  return presets.map((preset) => `${emoji(preset)} ${name(preset.name)}: ${preset.credit}`);
}
