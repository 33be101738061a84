/**
 * `npm run bench:lanes`: what the network lane costs a Gatys job that is painting. One Gatys job's time per
 * iteration is measured alone, then with style-network passes running beside it back to back (the worst case: a
 * channel reacting non-stop), twice each, interleaved so that a change in the machine's load shows up in both.
 * Each engine has the threads it would have in the bot.
 *
 *   npm run bench:lanes -- [--size 256] [--iterations 20] [--ff-size 512] [--rounds 2]
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadEngineConfig } from '../src/config/engine.js';
import { startFeedForwardEngine } from '../src/engine/feedforward/index.js';
import { startEngine } from '../src/engine/index.js';
import { DEFAULT_OPTIONS } from '../src/engine/options.js';
import { decodeImage } from '../src/images/decode.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '256' },
    iterations: { type: 'string', default: '20' },
    'ff-size': { type: 'string', default: '512' },
    rounds: { type: 'string', default: '2' },
  },
});
const size = Number(values.size);
const iterations = Number(values.iterations);
const ffSize = Number(values['ff-size']);
const rounds = Number(values.rounds);
const SHARED = fileURLToPath(new URL('../../shared/', import.meta.url));
const logger = pino({ level: 'warn' });

const engineConfig = { ...loadEngineConfig(process.env), backend: (process.env.EASEL_BACKEND ?? 'onnx') as 'onnx' };
const [gatys, network, content, style] = await Promise.all([
  startEngine(engineConfig, logger),
  startFeedForwardEngine(
    {
      assets: { location: SHARED, cacheDir: engineConfig.weights.cacheDir },
      backend: engineConfig.backend,
      threads: engineConfig.threads,
      preload: ['wave'],
    },
    logger,
  ),
  readFile(`${SHARED}images/content/tubingen.jpg`).then((bytes) => decodeImage(bytes)),
  readFile(`${SHARED}images/styles/vangogh_starry_night.jpg`).then((bytes) => decodeImage(bytes)),
]);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** One Gatys job at one scale; the median time between iterations, leaving out the first (set-up). */
async function gatysMsPerIteration(): Promise<number> {
  const at: number[] = [];
  const options = { ...DEFAULT_OPTIONS, size, iterations, scales: 1 };
  await gatys.stylize(0, { content, styles: [style], options }, { onProgress: () => at.push(performance.now()) });
  return median(at.slice(1).map((time, index) => time - at[index]!));
}

async function pass(): Promise<number> {
  return (await network.stylize({ networkId: 'wave', image: content, size: ffSize })).ms;
}

/** Style-network passes back to back until `until` settles; their times. */
async function passesUntil(until: Promise<unknown>): Promise<number[]> {
  let running = true;
  void until.finally(() => (running = false));
  const ms: number[] = [];
  while (running) ms.push(await pass());
  return ms;
}

const alonePasses: number[] = [];
for (let i = 0; i < 5; i++) alonePasses.push(await pass());

const alone: number[] = [];
const beside: number[] = [];
const passesBeside: number[] = [];
/** How much longer the Gatys job took per pass beside it: the price of one preset reaction to a painting job. */
const delayPerPass: number[] = [];
for (let round = 0; round < rounds; round++) {
  alone.push(await gatysMsPerIteration());
  const job = gatysMsPerIteration();
  const passes = await passesUntil(job);
  passesBeside.push(...passes);
  beside.push(await job);
  delayPerPass.push(((beside.at(-1)! - alone.at(-1)!) * (iterations - 1)) / passes.length);
  const [a, b] = [alone.at(-1)!.toFixed(0), beside.at(-1)!.toFixed(0)];
  process.stderr.write(`bench: round ${round + 1}/${rounds}: alone ${a} ms/it, beside ${b} ms/it\n`);
}
await Promise.all([gatys.close(), network.close()]);

const [a, b] = [median(alone), median(beside)];
const rows = [
  ['', 'alone', 'with network passes beside it', 'cost'],
  [`Gatys ${size}², ms/iteration`, a.toFixed(0), b.toFixed(0), `+${(((b - a) / a) * 100).toFixed(0)} %`],
  [
    `network pass ${ffSize} px, ms`,
    median(alonePasses).toFixed(0),
    median(passesBeside).toFixed(0),
    `${passesBeside.length} passes`,
  ],
];
const machine = `${engineConfig.threads} threads per engine, ${availableParallelism()} cores`;
const each = (values: readonly number[]): string => values.map((v) => v.toFixed(0)).join(', ');
process.stdout.write(
  `\n${gatys.backend}, ${machine}; medians of ${rounds} rounds\n` +
    `${rows.map((row) => `| ${row.join(' | ')} |`).join('\n')}\n` +
    `rounds alone: ${each(alone)} ms/it; beside: ${each(beside)} ms/it\n` +
    `the Gatys job's delay per network pass: ${each(delayPerPass)} ms (median ${median(delayPerPass).toFixed(0)})\n`,
);
