/**
 * `npm run bench`: per-iteration speed of each available runtime side by side, peak memory, tensor counts,
 * and one default job end to end. Each runtime is measured in its own child process so peak RSS is its own.
 *
 *   npm run bench -- [--runtimes wasm,onnx] [--sizes 128,256,384] [--job-size 256] [--no-job]
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
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

const { values } = parseArgs({
  options: {
    runtimes: { type: 'string' },
    sizes: { type: 'string', default: '128,256,384' },
    'job-size': { type: 'string', default: '256' },
    'no-job': { type: 'boolean', default: false },
    child: { type: 'string' },
    repeats: { type: 'string', default: '3' },
  },
});

const SHARED = fileURLToPath(new URL('../../shared/', import.meta.url));
const sizes = values.sizes.split(',').map(Number);
const repeats = Number(values.repeats);

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
      weights: { content: DEFAULT_OPTIONS.contentWeight, style: DEFAULT_OPTIONS.styleWeight, tv: DEFAULT_OPTIONS.tvWeight },
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
  const report: RuntimeReport = { runtime: runtime.name, msPerIteration, peakRssMb: 0, tensorsBefore, tensorsAfter };
  if (!values['no-job']) {
    const engine = await startEngine({ ...config, backend: name }, pino({ level: 'warn' }));
    const options = resolveOptions({ size: values['job-size'] }, { maxSize: 2048, maxIterations: 10_000 });
    const result = await engine.stylize({ content, styles: [style], options });
    await engine.close();
    report.jobMs = result.ms;
    report.jobIterations = result.iterations;
  }
  report.peakRssMb = process.resourceUsage().maxRSS / 1024;
  return report;
}

function table(reports: RuntimeReport[]): string {
  const rows: string[][] = [['runtime', ...sizes.map((s) => `${s}² ms/it`), 'peak RSS', 'tensors before→after', `job ${values['job-size']} px`]];
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
  return rows.map((r, i) => {
    const line = r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ');
    return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}` : line;
  }).join('\n');
}

if (values.child) {
  process.stdout.write(JSON.stringify(await measure(values.child as RuntimeName)));
} else {
  const wanted = values.runtimes ? values.runtimes.split(',') : RUNTIME_NAMES.filter((n) => n !== 'cpu');
  const reports: RuntimeReport[] = [];
  const script = fileURLToPath(import.meta.url);
  for (const name of wanted) {
    try {
      const out = execFileSync(process.execPath, ['--import', 'tsx', script, '--child', name, ...process.argv.slice(2)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 16 * 1024 * 1024,
      });
      reports.push(JSON.parse(out) as RuntimeReport);
      process.stderr.write(`bench: ${name} done\n`);
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? String(error);
      process.stderr.write(`bench: ${name} unavailable (${stderr.trim().split('\n').at(-1)})\n`);
    }
  }
  process.stdout.write(`\nVGG19 to ${DEFAULT_OPTIONS.styleLayers.at(-1)!.layer}, forward + backward to the image, median of ${repeats}; job: tubingen.jpg (4:3) × vangogh_starry_night.jpg at default settings, longest side ${values['job-size']} px\n\n${table(reports)}\n`);
}
