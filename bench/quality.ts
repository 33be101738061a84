/**
 * `npm run bench -- --quality`: how close the default gets to the photo and the painting, and how fast, by the
 * yardstick of issue 13 (bench/quality/yardstick.ts). Prints content distance, style distance, wall time, iterations
 * and loss evaluations per pair, for the current default and, next to it, the previous default as recorded at
 * commit d9108d8 (bench/quality/legacy-d9108d8.json): that one used a loss the engine no longer computes.
 *
 *   npm run bench -- --quality [--pairs content.jpg:style.jpg@256,...] [--settings default,reference] [--out dir]
 *                              [--torch /usr/bin/python3]
 *
 * Wall times include style targets and set-up, not model loading. `--out` also writes each result as a PNG.
 * `--torch` runs the issue's PyTorch reference with that Python, on the same cores in the same run, and says how
 * much sooner easel's default schedule gets as close (the issue's goal is ten times).
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
import { runTorchReference, torchVersion, type TorchPython } from './quality/torch-reference.js';
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

const SHARED = fileURLToPath(new URL('../../shared/', import.meta.url));
const VGG19_DIR = join(SHARED, 'models/vgg19');
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

/** A pair with its two pictures decoded, once for every run of it. */
export interface LoadedPair extends Pair {
  readonly photo: RgbImage;
  readonly painting: RgbImage;
}

const photoFile = (pair: Pair): string => join(SHARED, 'images/content', pair.content);
const paintingFile = (pair: Pair): string => join(SHARED, 'images/styles', pair.style);

export async function loadPair(pair: Pair): Promise<LoadedPair> {
  const photo = decodeImage(await readFile(photoFile(pair)));
  const painting = decodeImage(await readFile(paintingFile(pair)));
  return { ...pair, photo: await photo, painting: await painting };
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
  pair: LoadedPair,
  settings: string,
  options: StylizeOptions,
): Promise<{ row: Row; image: RgbImage }> {
  const { runtime, counted, count, yardstick } = bench;
  const { photo: content, painting: style } = pair;
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

/** A catch-up run is up to this many times the default's iterations. */
const CATCH_UP_LENGTH = 2;
/** Every this many evaluations the catch-up run keeps a snapshot to score. */
const CATCH_UP_EVERY = 2;

/** What a catch-up run is, and how its rows are labelled. */
export interface CatchUp {
  /** The options of the run, which is scored along its course. */
  readonly options: StylizeOptions;
  /** The run's name, as in "single-scale". */
  readonly name: string;
  /** What it has to reach, as in "default". */
  readonly target: string;
}

/**
 * How long the run of `catchUp` takes to get as close as `target` in both distances: one run, scored at its
 * snapshots. The first row's wall time and evaluations are the first snapshot's that reaches the target; if none
 * does, they are the whole run's and the row says so. The second row is the same run where it had spent the target's
 * full-size evaluations: the two procedures at equal cost.
 */
export async function measureCatchUp(
  bench: QualityBench,
  pair: LoadedPair,
  catchUp: CatchUp,
  target: Row,
): Promise<Row[]> {
  const { runtime, yardstick } = bench;
  const { photo: content, painting: style } = pair;
  const snapshots: Snapshot[] = [];
  let started = 0;
  let done = 0;
  // An evaluation belongs to the iteration after the last one reported done.
  const course = (): Course => ({ ms: performance.now() - started, iteration: done + 1 });
  const size = { width: target.width, height: target.height };
  const snapshotting = snapshotRuntime(runtime, size, CATCH_UP_EVERY, course, snapshots);
  started = performance.now();
  const result = await stylize(
    { content, styles: [style], options: catchUp.options },
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
  const sameCost = snapshots.find((s) => s.fullSize >= target.fullSizeEvaluations) ?? last;
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
    fullSizeEvaluations: snapshot.fullSize,
    load: loadavg()[0]!,
  });
  const { name, target: what } = catchUp;
  return [
    await row(at, reached ? `${name}, to reach ${what}` : `${name}, not there after ${catchUp.options.iterations}`),
    await row(sameCost, `${name}, ${what}'s evaluations`),
  ];
}

/**
 * Issue 13's reference on `pair`, side by side: PyTorch's L-BFGS for 100 iterations (bench/quality/gatys_torch.py)
 * at the default's result size, scored; then easel's default schedule, run for longer, until it gets as close.
 */
async function measureAgainstTorch(
  bench: QualityBench,
  pair: LoadedPair,
  options: StylizeOptions,
  easel: Row,
  torch: TorchPython,
  threads: number,
): Promise<Row[]> {
  const { width, height } = easel;
  const run = await runTorchReference({
    python: torch.python,
    vggDir: VGG19_DIR,
    photo: photoFile(pair),
    painting: paintingFile(pair),
    width,
    height,
    threads,
  });
  const score = await bench.yardstick.score(run.image, pair.photo, pair.painting, {
    photo: pair.content,
    painting: pair.style,
  });
  const reference: Row = {
    ...easel,
    settings: `PyTorch ${torch.version}, ${run.iterations} iterations`,
    ...score,
    seconds: run.seconds,
    iterations: run.iterations,
    evaluations: run.evaluations,
    fullSizeEvaluations: run.evaluations,
    load: loadavg()[0]!,
  };
  const longer = { ...options, iterations: CATCH_UP_LENGTH * options.iterations };
  const catchUp = await measureCatchUp(
    bench,
    pair,
    { options: longer, name: 'default schedule', target: 'PyTorch' },
    reference,
  );
  return [reference, ...catchUp];
}

/** For each pair run against PyTorch: how much sooner easel's default schedule got as close as the reference. */
export function torchSpeedups(rows: readonly Row[]): string[] {
  return rows.flatMap((torch) => {
    if (!torch.settings.startsWith('PyTorch')) return [];
    const easel = rows.find(
      (r) => r.pair === torch.pair && r.size === torch.size && r.settings === 'default schedule, to reach PyTorch',
    );
    const where = `${torch.pair} at ${torch.width}×${torch.height}`;
    if (!easel)
      return [`${where}: easel's default schedule did not get as close as PyTorch's ${torch.iterations} iterations.`];
    const ratio = torch.seconds / easel.seconds;
    return [
      `${where}: PyTorch's ${torch.iterations} iterations took ${torch.seconds.toFixed(1)} s; easel's default schedule ` +
        `got as close in ${easel.seconds.toFixed(1)} s, ${ratio.toFixed(1)}× sooner (issue 13's goal: 10×).`,
    ];
  });
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
      torch: { type: 'string' },
    },
  });
  const pairs = parsePairs(values.pairs);
  const settings = values.settings.split(',');
  const catchUpSizes = values['catch-up-sizes'].split(',').filter(Boolean).map(Number);
  for (const name of settings)
    if (!SETTINGS[name]) throw new Error(`unknown --settings ${name}; known: ${Object.keys(SETTINGS).join(', ')}`);

  let torch: TorchPython | undefined;
  if (values.torch) {
    try {
      torch = { python: values.torch, version: await torchVersion(values.torch) };
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exitCode = 2;
      return;
    }
  }

  const config = loadEngineConfig(process.env);
  const layers = [...new Set([...config.layers, ...YARDSTICK_LAYERS])];
  const weights = await loadConvWeights(config.weights, layers);
  const { runtime } = await openRuntime(config.backend ?? 'onnx', weights, { threads: config.threads });
  const bench = qualityBench(runtime);
  if (values.out) await mkdir(values.out, { recursive: true });

  const rows: Row[] = [];
  for (const wanted of pairs) {
    const pair = await loadPair(wanted);
    for (const name of settings) {
      const options: StylizeOptions = { ...DEFAULT_OPTIONS, size: pair.size, ...SETTINGS[name] };
      const { row, image: result } = await measurePair(bench, pair, name, options);
      rows.push(row);
      process.stderr.write(`${table([row]).split('\n')[2]}\n`);
      if (values.out) {
        const file = `${parse(pair.content).name}__${parse(pair.style).name}__${pair.size}__${name}.png`;
        await writeFile(join(values.out, file), await encodeImage(result, 'png'));
      }
      if (name !== 'default') continue;
      const more: Row[] = [];
      if (catchUpSizes.includes(pair.size)) {
        const single = { ...options, scales: 1, iterations: CATCH_UP_LENGTH * options.iterations };
        more.push(
          ...(await measureCatchUp(bench, pair, { options: single, name: 'single-scale', target: 'default' }, row)),
        );
      }
      if (torch) more.push(...(await measureAgainstTorch(bench, pair, options, row, torch, config.threads)));
      rows.push(...more);
      for (const line of table(more).split('\n').slice(2)) process.stderr.write(`${line}\n`);
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
  for (const line of torchSpeedups(rows)) process.stdout.write(`${line}\n`);
}
