import { writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { loadConfig } from '../config/index.js';
import { startFeedForwardEngine, type FeedForwardEngine } from '../engine/feedforward/index.js';
import { startEngine, type StyleEngine } from '../engine/index.js';
import { UserError } from '../errors.js';
import { decodeImage } from '../images/decode.js';
import { encodeImage, formatFromPath } from '../images/encode.js';
import { DEFAULT_IMAGE_LIMITS } from '../images/limits.js';
import { emojiLabel, loadPresets, planPreset, type PresetCatalog } from '../jobs/presets.js';
import type { OptionLimits } from '../options/index.js';
import type { CliCommand } from './args.js';
import { progressBar } from './progress-bar.js';
import { readInput } from './read-input.js';

/** `easel preset` and `easel presets`: the bot's catalogue (EASEL_PRESETS, EASEL_ASSETS) on the command line. */

function catalogue(limits: OptionLimits): Promise<PresetCatalog> {
  const config = loadConfig(process.env);
  return loadPresets({ ...config.presets, optionLimits: limits, imageLimits: DEFAULT_IMAGE_LIMITS });
}

/** `easel presets`: one line per preset: id, emoji, Slack name, what it paints with, and its credit. */
export async function listPresets(limits: OptionLimits): Promise<string> {
  const presets = (await catalogue(limits)).list();
  const rows = presets.map((preset) => [
    preset.id,
    emojiLabel(preset.emoji),
    `:${preset.slackName}:`,
    [preset.network && `network ${preset.network}`, preset.painting && 'painting'].filter(Boolean).join(' + '),
    `${preset.name}: ${preset.credit}`,
  ]);
  // Padded by code points, not UTF-16 units, so that the emoji column lines up.
  const width = (cell: string): number => [...cell].length;
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => width(row[column]!))));
  const pad = (cell: string, column: number): string => cell.padEnd(widths[column]! + cell.length - width(cell));
  return rows.map((row) => row.map(pad).join('  ').trimEnd()).join('\n');
}

/** `easel preset <id> <image> -o <out>`: paints the image the way a reaction would, or with options as asked. */
export async function runPreset(cmd: CliCommand, limits: OptionLimits, logger: Logger): Promise<void> {
  const [id, imagePath] = cmd.inputs as [string, string];
  const output = cmd.output!;
  const format = formatFromPath(output);
  const config = loadConfig(process.env);
  const presets = await catalogue(limits);
  const preset = presets.find(id);
  if (!preset) {
    const ids = presets
      .list()
      .map((p) => p.id)
      .join(', ');
    const message = `There is no preset "${id}". The presets are ${ids} (easel presets lists them).`;
    throw new UserError('unknown-preset', message);
  }
  const plan = planPreset(preset, cmd.options, limits, presets.defaults);
  const content = await decodeImage(await readInput(imagePath, 'image'), DEFAULT_IMAGE_LIMITS, { what: 'image' });

  let summary: Record<string, unknown>;
  let image;
  if (plan.kind === 'network') {
    let engine: FeedForwardEngine | undefined;
    try {
      const { backend, threads } = config.engine;
      const { assets } = config.presets;
      engine = await startFeedForwardEngine({ assets, backend, threads, maxSide: limits.maxSize }, logger);
      const result = await engine.stylize({ networkId: plan.network, image: content, size: plan.size });
      image = result.image;
      summary = { preset: preset.id, network: plan.network, backend: result.backend, ms: Math.round(result.ms) };
    } finally {
      await engine?.close();
    }
  } else {
    const { options } = plan;
    const layers = [options.contentLayer, ...options.styleLayers.map((style) => style.layer)];
    let engine: StyleEngine | undefined;
    try {
      engine = await startEngine({ ...config.engine, maxSide: limits.maxSize, layers }, logger);
      const bar = cmd.json ? undefined : progressBar();
      const style = await plan.painting.load();
      const result = await engine.stylize(0, { content, styles: [style], options }, { onProgress: bar?.update });
      bar?.done();
      image = result.image;
      const { backend, iterations, ms } = result;
      summary = { preset: preset.id, painting: plan.painting.title, backend, iterations, ms: Math.round(ms) };
    } finally {
      await engine?.close();
    }
  }
  await writeFile(output, await encodeImage(image, format));
  if (cmd.json) process.stdout.write(`${JSON.stringify({ ...summary, width: image.width, height: image.height })}\n`);
  else {
    const seconds = ((summary.ms as number) / 1000).toFixed(1);
    process.stderr.write(`easel: wrote ${output} (${image.width}×${image.height}), ${preset.name}, in ${seconds} s\n`);
  }
}
