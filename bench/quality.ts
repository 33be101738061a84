/**
 * `npm run bench -- --quality`: how close the default gets to the photo and the painting, and how fast, by the
 * yardstick of issue 13 (bench/quality/yardstick.ts). Prints content distance, style distance, wall time, iterations
 * and loss evaluations per pair, for the current default and, next to it, the previous default as recorded at
 * commit d9108d8 (bench/quality/legacy-d9108d8.json): that one used a loss the engine no longer computes.
 *
 *   npm run bench -- --quality [--pairs content.jpg:style.jpg@256,...] [--settings default,reference] [--out dir]
 *
 * Wall times include style targets and set-up, not model loading. `--out` also writes each result as a PNG.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadEngineConfig } from '../src/config/engine.js';
import { DEFAULT_OPTIONS } from '../src/engine/options.js';
import { openRuntime } from '../src/engine/runtimes/index.js';
import { StyleTargetCache } from '../src/engine/style-targets.js';
import { stylize } from '../src/engine/stylize.js';
import type { Runtime } from '../src/engine/runtimes/runtime.js';
import type { RgbImage, StylizeOptions } from '../src/engine/types.js';
import { loadConvWeights } from '../src/engine/weights/load.js';
import { decodeImage } from '../src/images/decode.js';
import { encodeImage } from '../src/images/encode.js';
import { hasHugePages, HUGE_PAGE_TUNABLE } from './malloc.js';
import { firstReaching, snapshotRuntime, type Course, type Snapshot } from './quality/catch-up.js';
import { countingRuntime, type EvaluationCount } from './quality/counting-runtime.js';
import { Yardstick, YARDSTICK_LAYERS, type Score } from './quality/yardstick.js';

/** Three pairs at 256 px of different kinds (city, landscape, architecture), and the issue's pair at 512 px. */
const DEFAULT_PAIRS = [
  'tubingen.jpg:vangogh_starry_night.jpg@256',
  'golden_gate.jpg:hokusai_great_wave.jpg@256',
  'stata_center.jpg:munch_the_scream.jpg@256',
  'portrait_ada_lovelace.jpg:vangogh_wheat_field_with_cypresses.jpg@256',
  'tubingen.jpg:vangogh_starry_night.jpg@512',
].join(',');

/**
 * Named option sets on top of DEFAULT_OPTIONS. `reference` is the issue's reference procedure on easel's own loss
 * and optimiser: one scale, 100 L-BFGS iterations from the photo. It sets the point the default must reach.
 */
const SETTINGS: Record<string, Partial<StylizeOptions>> = {
  default: {},
  reference: { scales: 1, iterations: 100 },
};

const LEGACY_COMMIT = 'd9108d8';

export interface Row {
  readonly pair: string;
  readonly size: number;
  readonly settings: string;
  readonly width: number;
  readonly height: number;
  readonly content: number;
  readonly style: number;
  readonly styleLayers: readonly number[];
  readonly seconds: number;
  readonly iterations: number;
  readonly evaluations: number;
  /** Evaluations weighted by their pixels relative to the output's: the cost in full-size evaluations. */
  readonly fullSizeEvaluations: number;
  /** One-minute load average when the run ended; this box has two cores. */
  readonly load: number;
}

const SHARED = fileURLToPath(new URL('../../shared/images/', import.meta.url));
const LEGACY_FILE = fileURLToPath(new URL(`./quality/legacy-${LEGACY_COMMIT}.json`, import.meta.url));

export interface Pair {
  readonly content: string;
  readonly style: string;
  readonly size: number;
}

export function parsePairs(text: string): Pair[] {
  return text.split(',').map((spec) => {
    const match = /^([^:@]+):([^:@]+)@(\d+)$/.exec(spec.trim());
    if (!match) throw new Error(`--pairs takes content.jpg:style.jpg@size, got "${spec}"`);
    return { content: match[1]!, style: match[2]!, size: Number(match[3]) };
  });
}

const pairName = (pair: Pair): string => `${parse(pair.content).name} × ${parse(pair.style).name}`;

async function image(path: string): Promise<RgbImage> {
  return decodeImage(await readFile(join(SHARED, path)));
}

export function table(rows: readonly Row[]): string {
  const header = [
    'pair',
    'px',
    'settings',
    'content',
    'style',
    'wall s',
    'iterations',
    'evals (full-size eq.)',
    'load',
  ];
  const cells = rows.map((r) => [
    r.pair,
    `${r.width}×${r.height}`,
    r.settings,
    r.content.toFixed(3),
    r.style.toFixed(3),
    r.seconds.toFixed(1),
    String(r.iterations),
    `${r.evaluations} (${r.fullSizeEvaluations.toFixed(1)})`,
    r.load.toFixed(1),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c]!.length)));
  const line = (row: readonly string[]): string => row.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}

async function readLegacy(): Promise<Row[]> {
  try {
    return JSON.parse(await readFile(LEGACY_FILE, 'utf8')) as Row[];
  } catch {
    return [];
  }
}

export interface QualityBench {
  readonly runtime: Runtime;
  readonly counted: Runtime;
  readonly count: EvaluationCount;
  readonly yardstick: Yardstick;
}

export function qualityBench(runtime: Runtime): QualityBench {
  const count: EvaluationCount = { evaluations: 0, pixels: 0 };
  return { runtime, counted: countingRuntime(runtime, count), count, yardstick: new Yardstick(runtime) };
}

/** Paints one pair with `options` and scores the result. */
export async function measurePair(
  bench: QualityBench,
  pair: Pair,
  settings: string,
  options: StylizeOptions,
): Promise<{ row: Row; image: RgbImage }> {
  const { runtime, counted, count, yardstick } = bench;
  const content = await image(`content/${pair.content}`);
  const style = await image(`styles/${pair.style}`);
  // A bot's runtime has its models built after its first job; build them here so set-up is not timed.
  const warmUp = { ...options, size: 32, iterations: 1, scales: 1 };
  await stylize({ content, styles: [style], options: warmUp }, { runtime, styleCache: new StyleTargetCache() });
  count.evaluations = 0;
  count.pixels = 0;
  const result = await stylize(
    { content, styles: [style], options },
    { runtime: counted, styleCache: new StyleTargetCache() },
  );
  const score = await yardstick.score(result.image, content, style, { photo: pair.content, painting: pair.style });
  const row: Row = {
    pair: pairName(pair),
    size: pair.size,
    settings,
    width: result.image.width,
    height: result.image.height,
    ...score,
    seconds: result.ms / 1000,
    iterations: result.iterations,
    evaluations: count.evaluations,
    fullSizeEvaluations: count.pixels / (result.image.width * result.image.height),
    load: loadavg()[0]!,
  };
  return { row, image: result.image };
}

/** The single-scale run the catch-up is measured on: up to this many times the default's iterations. */
const CATCH_UP_LENGTH = 2;
/** Every this many evaluations the catch-up run keeps a snapshot to score. */
const CATCH_UP_EVERY = 2;

/**
 * How long easel takes single-scale (the reference procedure: one scale, L-BFGS from the photo) to get as close as
 * `target` in both distances: one run of CATCH_UP_LENGTH × the default's iterations, scored at its snapshots. The
 * first row's wall time and evaluations are the first snapshot's that reaches the target; if none does, they are the
 * whole run's and the row says so. The second row is the same run where it had spent the target's full-size
 * evaluations: the two procedures at equal cost.
 */
export async function measureCatchUp(
  bench: QualityBench,
  pair: Pair,
  options: StylizeOptions,
  target: Row,
): Promise<Row[]> {
  const { runtime, yardstick } = bench;
  const content = await image(`content/${pair.content}`);
  const style = await image(`styles/${pair.style}`);
  const snapshots: Snapshot[] = [];
  let started = 0;
  let done = 0;
  // An evaluation belongs to the iteration after the last one reported done.
  const course = (): Course => ({ ms: performance.now() - started, iteration: done + 1 });
  const size = { width: target.width, height: target.height };
  const snapshotting = snapshotRuntime(runtime, size, CATCH_UP_EVERY, course, snapshots);
  const single = { ...options, scales: 1, iterations: CATCH_UP_LENGTH * options.iterations };
  started = performance.now();
  const result = await stylize(
    { content, styles: [style], options: single },
    { runtime: snapshotting, styleCache: new StyleTargetCache(), onProgress: (p) => (done = p.iteration) },
  );
  const names = { photo: pair.content, painting: pair.style };
  const scores = new Map<Snapshot, Score>();
  const scoreOf = async (snapshot: Snapshot): Promise<Score> => {
    const score = scores.get(snapshot) ?? (await yardstick.score(snapshot.image, content, style, names));
    scores.set(snapshot, score);
    return score;
  };
  const reached = await firstReaching(snapshots, async (snapshot) => {
    const score = await scoreOf(snapshot);
    return score.content <= target.content && score.style <= target.style;
  });
  const last = snapshots.at(-1)!;
  const at = reached ?? last;
  const sameCost = snapshots.find((s) => s.evaluation >= target.fullSizeEvaluations) ?? last;
  const row = async (snapshot: Snapshot, settings: string): Promise<Row> => ({
    pair: pairName(pair),
    size: pair.size,
    settings,
    width: result.image.width,
    height: result.image.height,
    ...(await scoreOf(snapshot)),
    seconds: snapshot.ms / 1000,
    iterations: snapshot.iteration,
    evaluations: snapshot.evaluation,
    fullSizeEvaluations: snapshot.evaluation,
    load: loadavg()[0]!,
  });
  return [
    await row(at, reached ? 'single-scale, to reach default' : `single-scale, not there after ${single.iterations}`),
    await row(sameCost, "single-scale, default's evaluations"),
  ];
}

export async function runQualityBench(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quality: { type: 'boolean' },
      pairs: { type: 'string', default: DEFAULT_PAIRS },
      settings: { type: 'string', default: 'default' },
      out: { type: 'string' },
      record: { type: 'string' },
      'catch-up-sizes': { type: 'string', default: '512' },
    },
  });
  const pairs = parsePairs(values.pairs);
  const settings = values.settings.split(',');
  const catchUpSizes = values['catch-up-sizes'].split(',').filter(Boolean).map(Number);
  for (const name of settings)
    if (!SETTINGS[name]) throw new Error(`unknown --settings ${name}; known: ${Object.keys(SETTINGS).join(', ')}`);

  const config = loadEngineConfig(process.env);
  const layers = [...new Set([...config.layers, ...YARDSTICK_LAYERS])];
  const weights = await loadConvWeights(config.weights, layers);
  const { runtime } = await openRuntime(config.backend ?? 'onnx', weights, { threads: config.threads });
  const bench = qualityBench(runtime);
  if (values.out) await mkdir(values.out, { recursive: true });

  const rows: Row[] = [];
  for (const pair of pairs) {
    for (const name of settings) {
      const options: StylizeOptions = { ...DEFAULT_OPTIONS, size: pair.size, ...SETTINGS[name] };
      const { row, image: result } = await measurePair(bench, pair, name, options);
      rows.push(row);
      process.stderr.write(`${table([row]).split('\n')[2]}\n`);
      if (values.out) {
        const file = `${parse(pair.content).name}__${parse(pair.style).name}__${pair.size}__${name}.png`;
        await writeFile(join(values.out, file), await encodeImage(result, 'png'));
      }
      if (name === 'default' && catchUpSizes.includes(pair.size)) {
        const catchUp = await measureCatchUp(bench, pair, options, row);
        rows.push(...catchUp);
        for (const line of table(catchUp).split('\n').slice(2)) process.stderr.write(`${line}\n`);
      }
    }
  }
  runtime.dispose();

  if (values.record) {
    const recorded = rows.map((r) => ({ ...r, settings: values.record! }));
    await writeFile(LEGACY_FILE, `${JSON.stringify(recorded, null, 1)}\n`);
    process.stderr.write(`recorded ${recorded.length} rows as "${values.record}" in ${LEGACY_FILE}\n`);
  }
  const legacy = (await readLegacy()).filter((r) => pairs.some((p) => pairName(p) === r.pair && p.size === r.size));
  const ordered = [...rows, ...legacy].sort((a, b) => a.size - b.size || a.pair.localeCompare(b.pair));
  process.stdout.write(
    `\nQuality by the yardstick of issue 13 (lower is closer), ${runtime.name} runtime, ${config.threads} threads, ` +
      `${hasHugePages(process.env) ? `malloc with ${HUGE_PAGE_TUNABLE} (as the Docker image runs)` : 'plain malloc'}.\n` +
      `"${legacy[0]?.settings ?? 'legacy'}" rows are the previous default, recorded at commit ${LEGACY_COMMIT}.\n\n${table(ordered)}\n`,
  );
}
