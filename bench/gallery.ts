/**
 * `npm run gallery`: paints content × style pairs from the assets folder at default settings and writes each
 * result plus one contact sheet to out/gallery/, so a person can look at what the engine makes.
 *
 *   npm run gallery -- [--contents tubingen.jpg,...] [--styles vangogh_starry_night.jpg,...]
 *                      [--size 512] [--iterations N] [--out out/gallery]
 *
 * With `--strengths 1,3,5,7,10` the sheet has one row per pair instead (the i-th content with the i-th style) and one
 * column per strength, each labelled: how the strength dial is tuned by eye. `--sheet x.jpg` names the sheet's file
 * (JPEG when it ends in .jpg, small enough to commit).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import sharp from 'sharp';
import { loadEngineConfig } from '../src/config/engine.js';
import { startEngine } from '../src/engine/index.js';
import { decodeImage } from '../src/images/decode.js';
import { encodeImage } from '../src/images/encode.js';
import { resolveOptions } from '../src/options/index.js';

const { values } = parseArgs({
  options: {
    contents: { type: 'string', default: 'tubingen.jpg,golden_gate.jpg,portrait_ada_lovelace.jpg' },
    styles: { type: 'string', default: 'vangogh_starry_night.jpg,hokusai_great_wave.jpg,munch_the_scream.jpg' },
    size: { type: 'string' },
    iterations: { type: 'string' },
    strengths: { type: 'string' },
    sheet: { type: 'string' },
    out: { type: 'string', default: 'out/gallery' },
  },
});

const SHARED = fileURLToPath(new URL('../../shared/images/', import.meta.url));
const contents = values.contents.split(',');
const styles = values.styles.split(',');
const strengths = values.strengths?.split(',');
/** One painting on the sheet: a pair, and the strength it is painted at (the default when no axis is asked for). */
interface Cell {
  readonly content: string;
  readonly style: string;
  readonly strength?: string;
}
const cells: Cell[] = strengths
  ? contents.flatMap((content, i) =>
      strengths.map((strength) => ({ content, style: styles[i] ?? styles[0]!, strength })),
    )
  : contents.flatMap((content) => styles.map((style) => ({ content, style })));
const columns = strengths?.length ?? styles.length;
await mkdir(values.out, { recursive: true });

const TILE = { width: 384, height: 288 };
/** A caption in the tile's top left corner, so a sheet says what each column is. */
function caption(text: string): Buffer {
  const svg = `<svg width="${TILE.width}" height="28"><rect width="100%" height="100%" fill="#fff" opacity="0.8"/>
    <text x="8" y="20" font-family="sans-serif" font-size="18" fill="#000">${text}</text></svg>`;
  return Buffer.from(svg);
}

const engine = await startEngine(loadEngineConfig(process.env), pino({ level: 'warn' }));
const tiles: Buffer[] = [];
for (const cell of cells) {
  const options = resolveOptions(
    { size: values.size, iterations: values.iterations, strength: cell.strength },
    { maxSize: 4096, maxIterations: 10_000 },
  );
  const content = await decodeImage(await readFile(join(SHARED, 'content', cell.content)));
  const style = await decodeImage(await readFile(join(SHARED, 'styles', cell.style)));
  const result = await engine.stylize(0, { content, styles: [style], options });
  const png = await encodeImage(result.image, 'png');
  const at = cell.strength === undefined ? '' : `__strength-${cell.strength}`;
  const file = join(values.out, `${parse(cell.content).name}__${parse(cell.style).name}${at}.png`);
  await writeFile(file, png);
  const tile = sharp(png).resize({ ...TILE, fit: 'contain', background: '#fff' });
  if (cell.strength !== undefined) tile.composite([{ input: caption(`strength ${cell.strength}`), top: 0, left: 0 }]);
  tiles.push(await tile.png().toBuffer());
  process.stderr.write(
    `${file}: ${(result.ms / 1000).toFixed(1)} s, loss ${result.losses.initial.total.toPrecision(3)} → ${result.losses.final.total.toPrecision(3)}\n`,
  );
}
await engine.close();
const rows = Math.ceil(cells.length / columns);
const sheetFile = values.sheet ?? join(values.out, 'contact-sheet.png');
const sheet = sharp({
  create: { width: TILE.width * columns, height: TILE.height * rows, channels: 3, background: '#fff' },
}).composite(
  tiles.map((input, i) => ({ input, left: (i % columns) * TILE.width, top: Math.floor(i / columns) * TILE.height })),
);
await (sheetFile.endsWith('.jpg') ? sheet.jpeg({ quality: 82, mozjpeg: true }) : sheet.png()).toFile(sheetFile);
process.stderr.write(`contact sheet: ${sheetFile} (${engine.backend})\n`);
