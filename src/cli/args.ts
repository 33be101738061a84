import { parseArgs } from 'node:util';
import { OptionError } from '../errors.js';

export const USAGE = `Usage:
  easel stylize <content> <style> [<style2> ...] -o <out.png|.jpg|.webp>
        [--size 512] [--iterations N] [--optimizer lbfgs|adam]
        [--content-weight A] [--style-weight B] [--tv-weight C]
        [--style-blend w1,w2] [--style-scale S] [--init content|noise]
        [--seed N] [--preserve-colors] [--scales K] [--json]
  easel demo [-o out.png] [--size 256] [--json]

Environment: EASEL_VGG19 (weights directory or URL), EASEL_BACKEND, EASEL_THREADS, EASEL_CACHE_DIR.`;

export interface CliCommand {
  readonly command: 'stylize' | 'demo' | 'help';
  readonly inputs: readonly string[];
  readonly output: string | undefined;
  readonly json: boolean;
  /** Engine options as typed on the command line, resolved later by resolveOptions. */
  readonly options: Readonly<Record<string, string | boolean>>;
}

const ENGINE_FLAGS = [
  'size',
  'iterations',
  'optimizer',
  'content-weight',
  'style-weight',
  'tv-weight',
  'style-blend',
  'style-scale',
  'init',
  'seed',
  'scales',
  'learning-rate',
] as const;

export function parseCommandLine(argv: readonly string[]): CliCommand {
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
        'preserve-colors': { type: 'boolean' },
        ...Object.fromEntries(ENGINE_FLAGS.map((flag) => [flag, { type: 'string' as const }])),
      },
    });
  } catch (error) {
    // parseArgs's messages name the flag at fault and read well on their own.
    throw new OptionError(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const [command = 'help', ...inputs] = positionals;
  if (values.help || command === 'help') return { command: 'help', inputs: [], output: undefined, json: false, options: {} };
  if (command !== 'stylize' && command !== 'demo') throw new OptionError(`Unknown command "${command}".\n\n${USAGE}`);
  if (command === 'stylize' && inputs.length < 2) throw new OptionError(`stylize needs a content image and at least one style image.\n\n${USAGE}`);
  if (command === 'stylize' && values.output === undefined) throw new OptionError(`stylize needs an output file: -o result.png\n\n${USAGE}`);
  if (command === 'demo' && inputs.length > 0) throw new OptionError(`demo takes no image paths; use stylize for your own images.\n\n${USAGE}`);
  const options: Record<string, string | boolean> = {};
  const flags: Readonly<Record<string, string | boolean | undefined>> = values;
  for (const flag of ENGINE_FLAGS) {
    const value = flags[flag];
    if (typeof value === 'string') options[flag] = value;
  }
  if (values['preserve-colors']) options['preserve-colors'] = true;
  return { command, inputs, output: values.output as string | undefined, json: values.json === true, options };
}
