import type { types, ViewOutput, ViewStateValue } from '@slack/bolt';
import { ApplicationCommandOptionType, type APIApplicationCommandOption } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { cliFlag, parseCommandLine, usage } from '../../src/cli/args.js';
import { loadCommands } from '../../src/discord/commands.js';
import { readDiscordOptions, type OptionGetters } from '../../src/discord/options.js';
import { DEFAULT_OPTIONS } from '../../src/engine/options.js';
import { OptionError, UserError } from '../../src/errors.js';
import {
  bounds,
  chatName,
  choiceValues,
  OPTION_SCHEMA,
  parseSettings,
  resolveOptions,
} from '../../src/options/index.js';
import type { OptionSpec } from '../../src/options/index.js';
import { parseStylizeCommand } from '../../src/slack/command-text.js';
import { FIELD_ACTION, filledOptions, optionBlockId, UPLOAD_FIELDS } from '../../src/slack/upload-modal.js';
import { uploadModal } from '../../src/slack/upload-modal.js';

/**
 * Every front end accepts exactly the schema's options, as far as its level goes. What each should offer is
 * worked out here from the schema itself, so a new entry that a front end misses fails this file.
 */

const LIMITS = { maxSize: 768, maxIterations: 300 };
const EXPECTED = {
  discord: OPTION_SCHEMA.filter((option) => option.level !== 'advanced'),
  modal: OPTION_SCHEMA.filter((option) => option.level === 'essential'),
  typed: OPTION_SCHEMA,
};

function keysOf(options: readonly { key: string }[] | Readonly<Record<string, unknown>>): string[] {
  return (Array.isArray(options) ? options.map((option: { key: string }) => option.key) : Object.keys(options)).sort();
}

/** A value the option takes that is not its default, as a user would type it. */
function sample(option: OptionSpec): string {
  switch (option.kind) {
    case 'number':
      return String(bounds(option, LIMITS).max);
    case 'choice':
      return choiceValues(option).find((value) => value !== option.default)!;
    case 'boolean':
      return 'yes';
    case 'list':
      return option.example;
  }
}

/** The settings parsed from each option's sample, and what they paint with: what every front end should end up with. */
const SAMPLES = Object.fromEntries(OPTION_SCHEMA.map((option) => [option.key, sample(option)]));
const PARSED = parseSettings(SAMPLES, LIMITS);
const PAINTED = resolveOptions(SAMPLES, LIMITS);

describe('Discord /stylize', () => {
  async function definition(): Promise<APIApplicationCommandOption[]> {
    const stylize = (await loadCommands(LIMITS)).find((command) => command.data.name === 'stylize');
    return stylize?.data.options ?? [];
  }

  it("defines the images, the preset and exactly the schema's common options, with ranges and choices", async () => {
    const options = await definition();
    const names = ['content', 'style', 'preset', ...EXPECTED.discord.map((o) => chatName(o.key))];
    expect(options.map((option) => option.name)).toEqual(names);
    // Discord's cap; the essentials lead, and the raw weights follow as the command's advanced part.
    expect(options.length).toBeLessThanOrEqual(25);
    expect(names.slice(3, 6)).toEqual(['strength', 'size', 'preserve_colors']);
    for (const spec of EXPECTED.discord) {
      const option = options.find((o) => o.name === chatName(spec.key))!;
      expect(option).toMatchObject({ required: false });
      expect(option.description.length).toBeLessThanOrEqual(100);
      if (spec.kind === 'number') {
        const { min, max } = bounds(spec, LIMITS);
        const type = spec.integer ? ApplicationCommandOptionType.Integer : ApplicationCommandOptionType.Number;
        expect(option).toMatchObject({ type, min_value: min, max_value: max });
      }
      if (spec.kind === 'choice') {
        const choices = choiceValues(spec).map((value) => expect.objectContaining({ value }));
        expect(option).toMatchObject({ choices });
      }
    }
    expect(options.find((o) => o.name === 'size')).toMatchObject({ max_value: 768 });
    expect(options.find((o) => o.name === 'iterations')).toMatchObject({ max_value: 300 });
    expect(options.find((o) => o.name === 'style_weight')).toMatchObject({ max_value: 1e6 });
  });

  it('reads back every option it defines, each with the getter of its type', async () => {
    // As Discord sends them: each with the type the definition gave it. discord.js's getters refuse another type.
    const sent = (await definition()).flatMap((option) => {
      const spec = EXPECTED.discord.find((s) => chatName(s.key) === option.name);
      if (!spec) return [];
      const text = sample(spec);
      const value = spec.kind === 'number' ? Number(text) : spec.kind === 'boolean' ? true : text;
      return [{ name: option.name, type: option.type, value }];
    });
    const getter =
      <T>(type: ApplicationCommandOptionType) =>
      (name: string): T | null => {
        const option = sent.find((o) => o.name === name);
        if (option && option.type !== type) throw new Error(`${name} was read as type ${type}; it is ${option.type}`);
        return (option?.value as T | undefined) ?? null;
      };
    const getters: OptionGetters = {
      getInteger: getter(ApplicationCommandOptionType.Integer),
      getNumber: getter(ApplicationCommandOptionType.Number),
      getString: getter(ApplicationCommandOptionType.String),
      getBoolean: getter(ApplicationCommandOptionType.Boolean),
    };
    const read = readDiscordOptions(getters);
    expect(keysOf(read)).toEqual(keysOf(EXPECTED.discord));
    const parsed = parseSettings(read, LIMITS);
    for (const spec of EXPECTED.discord) expect(parsed[spec.key]).toEqual(PARSED[spec.key]);
  });
});

describe('Slack', () => {
  it('/stylize key=value takes every option, and nothing else', () => {
    const text = EXPECTED.typed.map((option) => `${chatName(option.key)}=${sample(option)}`).join(' ');
    const parsed = parseStylizeCommand(text);
    if (parsed.kind !== 'paint') throw new Error('not a paint request');
    expect(keysOf(parsed.options)).toEqual(keysOf(EXPECTED.typed));
    expect(resolveOptions(parsed.options, LIMITS)).toEqual(PAINTED);

    const refused = (() => {
      try {
        return parseStylizeCommand('content_layer=block1_conv1');
      } catch (err) {
        return err;
      }
    })();
    expect(refused).toBeInstanceOf(OptionError);
    const known = EXPECTED.typed.map((o) => o.key);
    expect(refused).toMatchObject({ key: 'content_layer', rule: { kind: 'unknown', known } });
  });

  it('the upload form has a field for each essential option, with its range, and reads them back', () => {
    const modal = uploadModal('C1', LIMITS);
    const imageFields: string[] = Object.values(UPLOAD_FIELDS);
    const fields = modal.blocks.filter(
      (block): block is types.InputBlock => block.type === 'input' && !imageFields.includes(block.block_id ?? ''),
    );
    expect(fields.map((field) => field.block_id)).toEqual(EXPECTED.modal.map((option) => optionBlockId(option.key)));
    for (const field of fields) {
      expect(field.optional).toBe(true);
      const spec = EXPECTED.modal.find((option) => optionBlockId(option.key) === field.block_id)!;
      if (spec.kind === 'number') {
        const { min, max } = bounds(spec, LIMITS);
        expect(field.element).toMatchObject({ type: 'number_input', min_value: String(min), max_value: String(max) });
      }
    }

    // What Slack sends back for each kind of input, filled with the option's sample.
    const state = (field: types.InputBlock): ViewStateValue => {
      const spec = EXPECTED.modal.find((option) => optionBlockId(option.key) === field.block_id)!;
      const element = field.element;
      const text = { type: 'plain_text', text: '' } as const;
      switch (element.type) {
        case 'static_select':
          return { type: element.type, selected_option: { text, value: sample(spec) } };
        case 'checkboxes':
          return { type: element.type, selected_options: [{ text, value: element.options[0]!.value! }] };
        default:
          return { type: element.type, value: sample(spec) };
      }
    };
    const values = Object.fromEntries(fields.map((field) => [field.block_id!, { [FIELD_ACTION]: state(field) }]));
    const filled = filledOptions({ state: { values } } as unknown as ViewOutput);
    expect(keysOf(filled)).toEqual(keysOf(EXPECTED.modal));
    const parsed = parseSettings(Object.fromEntries(filled.map(({ key, value }) => [key, value])), LIMITS);
    for (const spec of EXPECTED.modal) expect(parsed[spec.key]).toEqual(PARSED[spec.key]);
    expect(filledOptions({ state: { values: {} } } as unknown as ViewOutput)).toEqual([]);
  });
});

describe('the command line', () => {
  const stylize = ['stylize', 'photo.jpg', 'style.jpg', '-o', 'out.png'];

  it('has a flag for every option, and nothing else', () => {
    const flags = EXPECTED.typed.flatMap((option) =>
      option.kind === 'boolean' ? [cliFlag(option.key)] : [cliFlag(option.key), sample(option)],
    );
    const cmd = parseCommandLine([...stylize, ...flags], LIMITS);
    expect(keysOf(cmd.options)).toEqual(keysOf(EXPECTED.typed));
    expect(resolveOptions(cmd.options, LIMITS)).toEqual(PAINTED);
    expect(() => parseCommandLine([...stylize, '--content-layer', 'block1_conv1'], LIMITS)).toThrow(UserError);
  });

  it('lists every option in the usage text, with its range under the limits', () => {
    const text = usage(LIMITS);
    const listed = [...text.matchAll(/^ {2}(--[a-z-]+)/gm)].map((match) => match[1]);
    expect(listed).toEqual([...EXPECTED.typed.map((option) => cliFlag(option.key)), '--json']);
    expect(text).toMatch(/--size N +longest side of the result in pixels \(32 to 768, default 512\)/);
    expect(text).toMatch(new RegExp(`--iterations N +.*\\(1 to 300, default ${DEFAULT_OPTIONS.iterations}\\)`));
    expect(text).toMatch(/--learning-rate X/);
  });

  it('words option mistakes with its own flags', () => {
    const error = (() => {
      try {
        return resolveOptions(parseCommandLine([...stylize, '--style-weight', 'lots'], LIMITS).options, LIMITS);
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(OptionError);
    expect((error as OptionError).messageFor(cliFlag)).toMatch(/^--style-weight needs a number/);
  });
});
