import { parseArgs } from 'node:util';
import { UserError } from '../errors.js';
import { bounds, optionsUpTo, type OptionKey, type OptionLimits, type OptionSpec } from '../options/index.js';

/** Every option; the command line has room for all of them. */
const CLI_OPTIONS = optionsUpTo('advanced');

/** The size the demo paints at unless --size says otherwise: small, so that it is quick on any machine. */
export const DEMO_SIZE = 256;

export interface CliCommand {
  readonly command: 'stylize' | 'demo' | 'preset' | 'presets' | 'help';
  /** Image paths; for `preset`, the preset's id and then the image. */
  readonly inputs: readonly string[];
  readonly output: string | undefined;
  readonly json: boolean;
  /** Engine options by schema key, as typed on the command line; resolved later by resolveOptions. */
  readonly options: Readonly<Partial<Record<OptionKey, string | boolean>>>;
}

function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** How the command line spells an option: `styleWeight` is `--style-weight`. */
export function cliFlag(key: string): string {
  return `--${flagName(key)}`;
}

/** Booleans are bare flags (`--preserve-colors`); everything else takes a value that resolveOptions checks. */
function flagType(option: OptionSpec): 'boolean' | 'string' {
  return option.kind === 'boolean' ? 'boolean' : 'string';
}

/** What follows the flag in the usage text, e.g. `N`, `lbfgs|adam`. */
function placeholder(option: OptionSpec): string {
  switch (option.kind) {
    case 'number':
      return option.integer ? 'N' : 'X';
    case 'choice':
      return Object.keys(option.choices).join('|');
    case 'list':
      return option.example;
    case 'boolean':
      return '';
  }
}

/** The range and default an option's help ends with, e.g. "1 to 10000, default 100". */
function rangeAndDefault(option: OptionSpec, limits: OptionLimits): string {
  switch (option.kind) {
    case 'number': {
      const { min, max } = bounds(option, limits);
      return ` (${min} to ${max}, default ${Math.min(option.default, max)})`;
    }
    case 'choice':
      return ` (default ${option.default})`;
    case 'list':
      return ` (default ${option.default.join(',')})`;
    case 'boolean':
      return '';
  }
}

/** The help text, with every option's range from the schema and the operator's limits. */
export function usage(limits: OptionLimits): string {
  const rows = [
    ...CLI_OPTIONS.map((option) => [
      `${cliFlag(option.key)} ${placeholder(option)}`.trim(),
      `${option.help}${rangeAndDefault(option, limits)}`,
    ]),
    ['--json', 'print a JSON summary when done instead of the progress bar'],
  ];
  const width = Math.max(...rows.map(([flag]) => flag!.length)) + 2;
  return `Usage:
  easel stylize <content> <style> [<style2> ...] -o <out.png|.jpg|.webp> [options] [--json]
  easel preset <id> <image> -o <out.png|.jpg|.webp> [--size N] [--json]
  easel presets
  easel demo [-o out.png] [options] [--json]
  easel worker        paint jobs from Redis for a bot in the scale-out mode (EASEL_REDIS_URL; README "Scaling out")

A preset with a style network paints in one pass, and takes --size only; one with a painting takes every option.

Options (the demo paints at ${DEMO_SIZE} px unless --size says otherwise):
${rows.map(([flag, help]) => `  ${flag!.padEnd(width)}${help}`).join('\n')}

Environment: EASEL_VGG19 (weights directory or URL), EASEL_BACKEND, EASEL_THREADS, EASEL_CACHE_DIR, EASEL_MAX_SIZE,
EASEL_PRESETS (the presets file), EASEL_ASSETS (folder or URL of the presets' paintings and networks).`;
}

/** A command line that cannot be run as typed; the message ends with the usage text. */
function usageError(message: string, limits: OptionLimits): UserError {
  return new UserError('bad-usage', `${message}\n\n${usage(limits)}`);
}

export function parseCommandLine(argv: readonly string[], limits: OptionLimits): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        output: { type: 'string', short: 'o' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(CLI_OPTIONS.map((option) => [flagName(option.key), { type: flagType(option) }])),
      },
    });
  } catch (error) {
    // parseArgs's messages name the flag at fault and read well on their own.
    throw usageError(error instanceof Error ? error.message : String(error), limits);
  }
  const { values, positionals } = parsed;
  const [command = 'help', ...inputs] = positionals;
  if (values.help || command === 'help') {
    return { command: 'help', inputs: [], output: undefined, json: false, options: {} };
  }
  if (command !== 'stylize' && command !== 'demo' && command !== 'preset' && command !== 'presets') {
    throw usageError(`Unknown command "${command}".`, limits);
  }
  if (command === 'stylize' && inputs.length < 2) {
    throw usageError('stylize needs a content image and at least one style image.', limits);
  }
  if (command === 'preset' && inputs.length !== 2) {
    throw usageError('preset needs a preset id and one image: easel preset wave photo.jpg -o out.png', limits);
  }
  if ((command === 'stylize' || command === 'preset') && values.output === undefined) {
    throw usageError(`${command} needs an output file: -o result.png`, limits);
  }
  if (command === 'demo' && inputs.length > 0) {
    throw usageError('demo takes no image paths; use stylize for your own images.', limits);
  }
  if (command === 'presets' && inputs.length > 0) {
    throw usageError('presets takes no arguments; it lists them all.', limits);
  }
  const flags: Readonly<Record<string, string | boolean | undefined>> = values;
  const options: Partial<Record<OptionKey, string | boolean>> = {};
  for (const option of CLI_OPTIONS) {
    const value = flags[flagName(option.key)];
    if (value !== undefined) options[option.key] = value;
  }
  return { command, inputs, output: values.output, json: values.json === true, options };
}
