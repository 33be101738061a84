#!/usr/bin/env node
import { writeFile } from 'node:fs/promises';
import { pino, type Logger } from 'pino';
import { loadEngineConfig } from '../config/engine.js';
import { startEngine, type EngineConfig, type StyleEngine } from '../engine/index.js';
import type { StylizeResult } from '../engine/types.js';
import { OptionError, UserError } from '../errors.js';
import { decodeImage } from '../images/decode.js';
import { encodeImage, formatFromPath } from '../images/encode.js';
import { DEFAULT_IMAGE_LIMITS } from '../images/limits.js';
import { resolveOptions, type OptionLimits } from '../options/index.js';
import { cliFlag, DEMO_SIZE, parseCommandLine, usage, type CliCommand } from './args.js';
import { progressBar } from './progress-bar.js';
import { NetworkOptionsError } from '../jobs/presets.js';
import { listPresets, runPreset } from './presets.js';
import { readInput } from './read-input.js';
import { demoImages } from './samples.js';

/** Logs go to stderr, and only warnings unless EASEL_LOG_LEVEL says otherwise: the output is the picture. */
function logger(): Logger {
  return pino({ level: process.env.EASEL_LOG_LEVEL ?? 'warn' }, pino.destination(2));
}

/** Exit codes other tools rely on. */
const EXIT = { ok: 0, internal: 1, badInput: 2 } as const;

/** The command line paints on the user's own machine, so it allows far more iterations than a shared bot. */
const MAX_ITERATIONS = 10_000;

async function inputs(cmd: CliCommand): Promise<{ content: Uint8Array; styles: Uint8Array[]; note?: string }> {
  if (cmd.command === 'demo') {
    const demo = await demoImages();
    return { content: demo.content, styles: [demo.style], note: demo.source };
  }
  const [contentPath, ...stylePaths] = cmd.inputs;
  return {
    content: await readInput(contentPath!, 'content image'),
    styles: await Promise.all(
      stylePaths.map((p, i) => readInput(p, stylePaths.length > 1 ? `style image ${i + 1}` : 'style image')),
    ),
  };
}

function summary(result: StylizeResult): object {
  const round = (parts: StylizeResult['losses']['final']): object =>
    Object.fromEntries(Object.entries(parts).map(([k, v]: [string, number]) => [k, Number(v.toPrecision(6))]));
  return {
    backend: result.backend,
    width: result.image.width,
    height: result.image.height,
    iterations: result.iterations,
    ms: Math.round(result.ms),
    msPerIteration: Math.round(result.ms / result.iterations),
    losses: { initial: round(result.losses.initial), final: round(result.losses.final) },
  };
}

async function run(cmd: CliCommand, engineConfig: EngineConfig, limits: OptionLimits): Promise<void> {
  const output = cmd.output ?? (cmd.command === 'demo' ? 'easel-demo.png' : undefined)!;
  const format = formatFromPath(output);
  const requested = cmd.command === 'demo' ? { size: DEMO_SIZE, ...cmd.options } : cmd.options;
  // Checked before the slow engine start, so a mistake is reported at once.
  resolveOptions(requested, limits);
  const { content, styles, note } = await inputs(cmd);
  const decoded = {
    content: await decodeImage(content, DEFAULT_IMAGE_LIMITS, { what: 'content image' }),
    styles: await Promise.all(
      styles.map((s, i) =>
        decodeImage(s, DEFAULT_IMAGE_LIMITS, { what: styles.length > 1 ? `style image ${i + 1}` : 'style image' }),
      ),
    ),
  };

  let engine: StyleEngine | undefined;
  try {
    engine = await startEngine(engineConfig, logger());
    // The runtime that loaded may paint less than the operator allows; checked again so that a too-large --size
    // is worded like any other mistake.
    const options = resolveOptions(requested, { ...limits, maxSize: engine.maxSide });
    if (!cmd.json)
      process.stderr.write(
        `easel: ${engine.backend} backend${note ? `, ${note}` : ''}, ${options.size} px, ${options.iterations} iterations\n`,
      );
    const bar = progressBar();
    const result = await engine.stylize(
      0,
      { content: decoded.content, styles: decoded.styles, options },
      { onProgress: bar.update },
    );
    bar.done();
    await writeFile(output, await encodeImage(result.image, format));
    if (cmd.json) process.stdout.write(`${JSON.stringify(summary(result))}\n`);
    else
      process.stderr.write(
        `easel: wrote ${output} (${result.image.width}×${result.image.height}) in ${(result.ms / 1000).toFixed(1)} s\n`,
      );
  } finally {
    await engine?.close();
  }
}

async function main(): Promise<number> {
  // A long-running process with the bot's configuration and logs, not a one-off paint: it reads no option flags.
  // Loaded only here, so the one-off commands do not pay for BullMQ and the bot's modules.
  if (process.argv[2] === 'worker') return (await import('../scaleout/worker-main.js')).runWorker();
  try {
    const engineConfig = loadEngineConfig(process.env);
    const limits: OptionLimits = { maxSize: engineConfig.maxSide, maxIterations: MAX_ITERATIONS };
    const cmd = parseCommandLine(process.argv.slice(2), limits);
    if (cmd.command === 'help') {
      process.stdout.write(`${usage(limits)}\n`);
      return EXIT.ok;
    }
    if (cmd.command === 'presets') {
      process.stdout.write(`${await listPresets(limits)}\n`);
      return EXIT.ok;
    }
    if (cmd.command === 'preset') await runPreset(cmd, limits, logger());
    else await run(cmd, engineConfig, limits);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UserError) {
      // Option mistakes are worded with the flags as typed here (`--size`), not as chat spells them.
      const reworded = error instanceof OptionError || error instanceof NetworkOptionsError;
      process.stderr.write(`easel: ${reworded ? error.messageFor(cliFlag) : error.message}\n`);
      return EXIT.badInput;
    }
    process.stderr.write(`easel: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.EASEL_DEBUG) console.error(error);
    return EXIT.internal;
  }
}

process.exitCode = await main();
