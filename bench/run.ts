/**
 * `npm run bench`: per-iteration speed of each available runtime side by side, peak memory, tensor counts,
 * and one default job end to end; then one feed-forward style network per runtime. Each runtime is measured in its
 * own child process so peak RSS is its own.
 *
 *   npm run bench -- [--runtimes wasm,onnx] [--sizes 128,256,384] [--job-size 256] [--no-job]
 *   npm run bench -- --quality [...]   (result quality per second: see bench/quality.ts)
 *                    [--ff-sizes 256,512,1024] [--no-ff | --ff-only]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { loadEngineConfig } from '../src/config/engine.js';
import { startEngine } from '../src/engine/index.js';
import { DEFAULT_OPTIONS } from '../src/engine/options.js';
import { resolveOptions } from '../src/options/index.js';
import { openRuntime, RUNTIME_NAMES, type RuntimeName } from '../src/engine/runtimes/index.js';
import { loadConvWeights } from '../src/engine/weights/load.js';
import { decodeImage } from '../src/images/decode.js';
import { resizeExact } from '../src/images/resize.js';
import { toFloat } from '../src/engine/pixels.js';
import { startFeedForwardEngine } from '../src/engine/feedforward/index.js';
import { DOWNSCALE, networkFlops } from '../src/engine/feedforward/network.js';
import { FRAME_MARGIN } from '../src/engine/feedforward/stylize.js';
import { hasHugePages, HUGE_PAGE_TUNABLE, withHugePages, withoutHugePages } from './malloc.js';

const script = fileURLToPath(import.meta.url);

if (process.argv.includes('--quality')) {
  // Measured as the Docker image runs; glibc takes the tunable only at start, hence a process of its own.
  if (process.platform === 'linux' && !hasHugePages(process.env)) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', script, ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: withHugePages(process.env),
    });
    process.exit(run.status ?? 1);
  }
  const { runQualityBench } = await import('./quality.js');
  await runQualityBench(process.argv.slice(2));
  process.exit(process.exitCode ?? 0);
}

const { values } = parseArgs({
  options: {
    runtimes: { type: 'string' },
    sizes: { type: 'string', default: '128,256,384' },
    'job-size': { type: 'string', default: '256' },
    'no-job': { type: 'boolean', default: false },
    child: { type: 'string' },
    repeats: { type: 'string', default: '3' },
    'ff-sizes': { type: 'string', default: '256,512,1024' },
    'no-ff': { type: 'boolean', default: false },
    'ff-only': { type: 'boolean', default: false },
    'ff-child': { type: 'string' },
    'plain-malloc': { type: 'boolean', default: false },
  },
});

const SHARED = fileURLToPath(new URL('../../shared/', import.meta.url));
const sizes = values.sizes.split(',').map(Number);
const repeats = Number(values.repeats);
const ffSizes = values['ff-sizes'].split(',').map(Number);
const FF_NETWORK = 'wave';

interface RuntimeReport {
  runtime: string;
  msPerIteration: Record<number, number>;
  peakRssMb: number;
  tensorsBefore: number | null;
  tensorsAfter: number | null;
  jobMs?: number;
  jobIterations?: number;
}

async function image(path: string) {
  return decodeImage(await readFile(`${SHARED}images/${path}`));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Runs inside the child: one runtime, every size, then optionally the end-to-end job. */
async function measure(name: RuntimeName): Promise<RuntimeReport> {
  const config = loadEngineConfig({ ...process.env, EASEL_BACKEND: name });
  const weights = await loadConvWeights(config.weights, config.layers);
  const { runtime } = await openRuntime(name, weights, { threads: config.threads });
  const tensorsBefore = runtime.liveTensors?.() ?? null;
  const msPerIteration: Record<number, number> = {};
  const content = await image('content/tubingen.jpg');
  const style = await image('styles/vangogh_starry_night.jpg');
  const styleLayers = DEFAULT_OPTIONS.styleLayers.map((l) => l.layer);
  for (const side of sizes) {
    // Square, so "256 px" means 256×256 as in the reference figures.
    const c = await resizeExact(content, side, side);
    const s = await resizeExact(style, side, side);
    const cImage = { width: c.width, height: c.height, data: toFloat(c) };
    const evaluator = await runtime.evaluator({
      width: c.width,
      height: c.height,
      contentLayer: DEFAULT_OPTIONS.contentLayer,
      contentTarget: await runtime.features(cImage, DEFAULT_OPTIONS.contentLayer),
      styleLayers: DEFAULT_OPTIONS.styleLayers,
      styleTargets: await runtime.grams({ width: s.width, height: s.height, data: toFloat(s) }, styleLayers),
      weights: {
        content: DEFAULT_OPTIONS.contentWeight,
        style: DEFAULT_OPTIONS.styleWeight,
        tv: DEFAULT_OPTIONS.tvWeight,
      },
    });
    await evaluator.evaluate(cImage.data);
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const t = performance.now();
      await evaluator.evaluate(cImage.data);
      times.push(performance.now() - t);
    }
    evaluator.dispose();
    msPerIteration[side] = median(times);
  }
  const tensorsAfter = runtime.liveTensors?.() ?? null;
  runtime.dispose();
  const label = values['plain-malloc'] ? `${runtime.name}, plain malloc` : runtime.name;
  const report: RuntimeReport = { runtime: label, msPerIteration, peakRssMb: 0, tensorsBefore, tensorsAfter };
  if (!values['no-job']) {
    const engine = await startEngine({ ...config, backend: name }, pino({ level: 'warn' }));
    const options = resolveOptions({ size: values['job-size'] }, { maxSize: 2048, maxIterations: 10_000 });
    const result = await engine.stylize(0, { content, styles: [style], options });
    await engine.close();
    report.jobMs = result.ms;
    report.jobIterations = result.iterations;
  }
  report.peakRssMb = process.resourceUsage().maxRSS / 1024;
  return report;
}

function table(reports: RuntimeReport[]): string {
  const rows: string[][] = [
    ['runtime', ...sizes.map((s) => `${s}² ms/it`), 'peak RSS', 'tensors before→after', `job ${values['job-size']} px`],
  ];
  for (const r of reports) {
    rows.push([
      r.runtime,
      ...sizes.map((s) => r.msPerIteration[s]!.toFixed(0)),
      `${(r.peakRssMb / 1024).toFixed(2)} GB`,
      r.tensorsBefore === null ? 'n/a' : `${r.tensorsBefore}→${r.tensorsAfter}`,
      r.jobMs === undefined ? '-' : `${(r.jobMs / 1000).toFixed(1)} s (${r.jobIterations} it)`,
    ]);
  }
  if (reports.length > 1) {
    const [base, ...others] = reports;
    for (const o of others) {
      rows.push([
        `${base!.runtime}/${o.runtime}`,
        ...sizes.map((s) => `${(base!.msPerIteration[s]! / o.msPerIteration[s]!).toFixed(2)}×`),
        '',
        '',
        base!.jobMs && o.jobMs ? `${(base!.jobMs / o.jobMs).toFixed(2)}×` : '-',
      ]);
    }
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}` : line;
    })
    .join('\n');
}

interface FeedForwardReport {
  runtime: string;
  /** Median wall time of engine.stylize per size, warm: resize, mirrored frame, the pass, crop, both transfers. */
  ms: Record<number, number>;
  peakRssMb: number;
}

/** Runs inside the child: the feed-forward engine on one runtime, one warm-up then `repeats` runs per size. */
async function measureFeedForward(name: RuntimeName): Promise<FeedForwardReport> {
  const config = loadEngineConfig({ ...process.env, EASEL_BACKEND: name });
  const engine = await startFeedForwardEngine(
    {
      assets: { location: SHARED, cacheDir: config.weights.cacheDir },
      backend: name,
      threads: config.threads,
      maxSide: Math.max(...ffSizes),
      preload: [FF_NETWORK],
    },
    pino({ level: 'warn' }),
  );
  const content = await image('content/tubingen.jpg');
  const ms: Record<number, number> = {};
  for (const side of ffSizes) {
    const square = await resizeExact(content, side, side);
    const times: number[] = [];
    for (let i = 0; i <= repeats; i++) {
      const t = performance.now();
      await engine.stylize({ networkId: FF_NETWORK, image: square, size: side });
      if (i > 0) times.push(performance.now() - t);
    }
    ms[side] = median(times);
  }
  await engine.close();
  return { runtime: engine.backend, ms, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

/** What the network computes for a side × side photo: the photo plus its mirrored frame, rounded up to 4. */
function feedForwardGflop(side: number): number {
  const framed = Math.ceil((side + 2 * FRAME_MARGIN) / DOWNSCALE) * DOWNSCALE;
  return networkFlops(framed, framed) / 1e9;
}

/**
 * This machine's single-precision FMA peak, from its flags and clock: cores × GHz × 2 FMA units × SIMD lanes × 2.
 * Two FMA pipes per core is right for recent x86 server cores; a VM's vCPUs may be hyperthreads, halving the truth.
 */
function fmaPeak(): { gflops: number; note: string } {
  let info = '';
  try {
    info = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // Not Linux: fall back on os.cpus() and assume AVX2.
  }
  const flags = new Set(/^flags\s*:(.*)$/m.exec(info)?.[1]?.trim().split(/\s+/) ?? ['avx2', 'fma']);
  const mhz = Number(/^cpu MHz\s*:\s*([\d.]+)/m.exec(info)?.[1] ?? cpus()[0]?.speed ?? 0);
  const [lanes, isa] = flags.has('avx512f') ? [16, 'AVX-512'] : flags.has('fma') ? [8, 'AVX2+FMA'] : [4, 'SSE'];
  const cores = availableParallelism();
  const gflops = cores * (mhz / 1000) * 2 * lanes * 2;
  const ghz = (mhz / 1000).toFixed(2);
  const note = `${cores} cores × ${ghz} GHz × 2 FMA units × ${lanes} lanes (${isa}) × 2 = ${gflops.toFixed(0)} GFLOP/s`;
  return { gflops, note };
}

function feedForwardTable(reports: FeedForwardReport[]): string {
  const peak = fmaPeak();
  const header = ['runtime', ...ffSizes.map((s) => `${s}²`), 'peak RSS'];
  const rows = [header, ['GFLOP (with frame)', ...ffSizes.map((s) => feedForwardGflop(s).toFixed(1)), '']];
  for (const r of reports) {
    rows.push([
      r.runtime,
      ...ffSizes.map((s) => {
        const share = (feedForwardGflop(s) / (r.ms[s]! / 1000) / peak.gflops) * 100;
        const time = r.ms[s]! < 1000 ? `${r.ms[s]!.toFixed(0)} ms` : `${(r.ms[s]! / 1000).toFixed(2)} s`;
        return `${time} (${share.toFixed(0)}% of peak)`;
      }),
      `${(r.peakRssMb / 1024).toFixed(2)} GB`,
    ]);
  }
  const widths = header.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const lines = rows.map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join(' | '));
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('-|-'));
  return `FMA peak: ${peak.note}\n\n${lines.join('\n')}`;
}

/**
 * Runs this script again as a child for one runtime and returns its JSON report, or undefined if it failed. Children
 * run with huge-page malloc as the Docker image does, unless `plainMalloc`.
 */
function runChild<T>(flag: '--child' | '--ff-child', name: string, plainMalloc = false): T | undefined {
  try {
    const args = [...(plainMalloc ? ['--plain-malloc'] : []), ...process.argv.slice(2)];
    const out = execFileSync(process.execPath, ['--import', 'tsx', script, flag, name, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 16 * 1024 * 1024,
      env: plainMalloc ? withoutHugePages(process.env) : withHugePages(process.env),
    });
    const what = `${name}${flag === '--ff-child' ? ' feed-forward' : ''}${plainMalloc ? ', plain malloc' : ''}`;
    process.stderr.write(`bench: ${what} done\n`);
    return JSON.parse(out) as T;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    process.stderr.write(`bench: ${name} unavailable (${stderr.trim().split('\n').at(-1)})\n`);
    return undefined;
  }
}

if (values.child) {
  process.stdout.write(JSON.stringify(await measure(values.child as RuntimeName)));
} else if (values['ff-child']) {
  process.stdout.write(JSON.stringify(await measureFeedForward(values['ff-child'] as RuntimeName)));
} else {
  const wanted = values.runtimes ? values.runtimes.split(',') : RUNTIME_NAMES.filter((n) => n !== 'cpu');
  if (!values['ff-only']) {
    const reports = wanted.flatMap((name) => runChild<RuntimeReport>('--child', name) ?? []);
    // The same runtime without huge pages, so the table's ratio row shows what the tunable buys.
    if (process.platform === 'linux' && wanted.includes('onnx')) {
      reports.push(...[runChild<RuntimeReport>('--child', 'onnx', true) ?? []].flat());
    }
    process.stdout.write(
      `\nVGG19 to ${DEFAULT_OPTIONS.styleLayers.at(-1)!.layer}, forward + backward to the image, median of ${repeats}; job: tubingen.jpg (4:3) × vangogh_starry_night.jpg at default settings, longest side ${values['job-size']} px; malloc with ${HUGE_PAGE_TUNABLE} unless "plain"\n\n${table(reports)}\n`,
    );
  }
  if (!values['no-ff']) {
    const reports = wanted.flatMap((name) => runChild<FeedForwardReport>('--ff-child', name) ?? []);
    const how = `warm (after one run), median of ${repeats}, through the engine's worker`;
    const steps = `resize, ${FRAME_MARGIN} px mirrored frame, pass, crop`;
    const title = `Feed-forward "${FF_NETWORK}" network, tubingen.jpg squared, ${how} (${steps})`;
    process.stdout.write(`\n${title}\n${feedForwardTable(reports)}\n`);
  }
}
