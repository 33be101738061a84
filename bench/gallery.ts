/**
 * `npm run gallery`: paints content × style pairs from the assets folder at default settings and writes each
 * result plus one contact sheet to out/gallery/, so a person can look at what the engine makes.
 *
 *   npm run gallery -- [--contents tubingen.jpg,...] [--styles vangogh_starry_night.jpg,...]
 *                      [--size 512] [--iterations N] [--out out/gallery]
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
    out: { type: 'string', default: 'out/gallery' },
  },
});

const SHARED = fileURLToPath(new URL('../../shared/images/', import.meta.url));
const contents = values.contents.split(',');
const styles = values.styles.split(',');
const options = resolveOptions(
  { size: values.size, iterations: values.iterations },
  { maxSize: 4096, maxIterations: 10_000 },
);
await mkdir(values.out, { recursive: true });

const engine = await startEngine(loadEngineConfig(process.env), pino({ level: 'warn' }));
const tiles: Buffer[] = [];
for (const c of contents) {
  const content = await decodeImage(await readFile(join(SHARED, 'content', c)));
  for (const s of styles) {
    const style = await decodeImage(await readFile(join(SHARED, 'styles', s)));
    const result = await engine.stylize(0, { content, styles: [style], options });
    const png = await encodeImage(result.image, 'png');
    const file = join(values.out, `${parse(c).name}__${parse(s).name}.png`);
    await writeFile(file, png);
    tiles.push(
      await sharp(png).resize({ width: 384, height: 288, fit: 'contain', background: '#fff' }).png().toBuffer(),
    );
    process.stderr.write(
      `${file}: ${(result.ms / 1000).toFixed(1)} s, loss ${result.losses.initial.total.toPrecision(3)} → ${result.losses.final.total.toPrecision(3)}\n`,
    );
  }
}
await engine.close();
await sharp({ create: { width: 384 * styles.length, height: 288 * contents.length, channels: 3, background: '#fff' } })
  .composite(
    tiles.map((input, i) => ({ input, left: (i % styles.length) * 384, top: Math.floor(i / styles.length) * 288 })),
  )
  .png()
  .toFile(join(values.out, 'contact-sheet.png'));
process.stderr.write(`contact sheet: ${join(values.out, 'contact-sheet.png')} (${engine.backend})\n`);
