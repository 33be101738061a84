import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

/**
 * Emoji as pictures, for labels drawn into an image: the machines easel runs on rarely have a colour emoji font, so
 * each is drawn from Twemoji's SVGs (@twemoji/svg; the same artwork Discord shows).
 */

const TWEMOJI_DIR = dirname(createRequire(import.meta.url).resolve('@twemoji/svg/package.json'));

/** Twemoji's file names: the code points in hex, joined by "-", without U+FE0F unless the emoji joins others (ZWJ). */
function twemojiNames(emoji: string): string[] {
  const points = [...emoji].map((char) => char.codePointAt(0)!.toString(16));
  const bare = points.filter((point) => point !== 'fe0f');
  return [...new Set([bare.join('-'), points.join('-')])];
}

/** `emoji` as a PNG `side` px square, or undefined for anything Twemoji has no picture of (a server's own emoji). */
export async function emojiPicture(emoji: string, side: number): Promise<Buffer | undefined> {
  for (const name of twemojiNames(emoji)) {
    const svg = await readFile(join(TWEMOJI_DIR, `${name}.svg`)).catch(() => undefined);
    if (svg) return sharp(svg, { density: 300 }).resize(side, side).png().toBuffer();
  }
  return undefined;
}
