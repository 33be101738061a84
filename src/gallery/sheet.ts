import sharp, { type OverlayOptions } from 'sharp';
import type { RgbImage } from '../engine/types.js';
import { emojiLabel } from '../jobs/presets.js';
import { emojiPicture } from './emoji.js';

/** One picture of the gallery: a preset's painting of the sample photo, and what to label it with. */
export interface GalleryTile {
  readonly image: RgbImage;
  /** As the preset writes it: unicode, or a Discord server's own emoji (labelled `:name:`). */
  readonly emoji: string;
  readonly name: string;
}

const GAP = 8;
const LABEL_HEIGHT = 36;
const EMOJI_SIDE = 24;
const FONT_SIZE = 16;
const MIN_FONT_SIZE = 10;
/** DejaVu Sans's average advance is about 0.55 em; names are short, so this is enough to keep them in their tile. */
const EM_PER_CHAR = 0.55;
const BACKGROUND = '#ffffff';
const INK = '#202124';

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.codePointAt(0)};`);
}

/** The label's font size: the usual one, or smaller for a name that would not fit beside the emoji. */
function fontSizeFor(text: string, width: number): number {
  const fitting = Math.floor(width / (text.length * EM_PER_CHAR));
  return Math.max(MIN_FONT_SIZE, Math.min(FONT_SIZE, fitting));
}

/**
 * Every tile on one white sheet, in rows of up to `columns`, each `tileWidth` px wide (its height from the first
 * tile's shape) over a label strip with its emoji and name. Returns a PNG.
 */
export async function drawSheet(tiles: readonly GalleryTile[], tileWidth = 256): Promise<Buffer> {
  if (tiles.length === 0) throw new Error('a gallery needs at least one tile');
  const first = tiles[0]!.image;
  const tileHeight = Math.round((tileWidth * first.height) / first.width);
  const columns = Math.ceil(Math.sqrt(tiles.length));
  const rows = Math.ceil(tiles.length / columns);
  const width = columns * tileWidth + (columns + 1) * GAP;
  const height = rows * (tileHeight + LABEL_HEIGHT) + (rows + 1) * GAP;

  const layers: OverlayOptions[] = [];
  const texts: string[] = [];
  await Promise.all(
    tiles.map(async (tile, index) => {
      const left = GAP + (index % columns) * (tileWidth + GAP);
      const top = GAP + Math.floor(index / columns) * (tileHeight + LABEL_HEIGHT + GAP);
      const { data, width: w, height: h } = tile.image;
      const picture = await sharp(data, { raw: { width: w, height: h, channels: 3 } })
        .resize(tileWidth, tileHeight, { fit: 'cover' })
        .png()
        .toBuffer();
      layers.push({ input: picture, left, top });
      const emoji = await emojiPicture(tile.emoji, EMOJI_SIDE);
      const labelTop = top + tileHeight + (LABEL_HEIGHT - EMOJI_SIDE) / 2;
      if (emoji) layers.push({ input: emoji, left: left + 4, top: Math.round(labelTop) });
      const text = emoji ? tile.name : `${emojiLabel(tile.emoji)} ${tile.name}`;
      const textLeft = left + (emoji ? EMOJI_SIDE + 10 : 4);
      const size = fontSizeFor(text, left + tileWidth - textLeft - 4);
      const baseline = top + tileHeight + LABEL_HEIGHT / 2 + size * 0.35;
      texts.push(`<text x="${textLeft}" y="${baseline.toFixed(1)}" font-size="${size}">${escapeXml(text)}</text>`);
    }),
  );
  const labels = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<g font-family="DejaVu Sans, Liberation Sans, sans-serif" fill="${INK}">${texts.join('')}</g></svg>`,
  );
  return sharp({ create: { width, height, channels: 3, background: BACKGROUND } })
    .composite([...layers, { input: labels, left: 0, top: 0 }])
    .png()
    .toBuffer();
}
