import { ApplicationCommandOptionType, type APIApplicationCommandBasicOption } from 'discord.js';
import { bounds, chatName, helpSentence, optionsUpTo, type OptionLimits, type OptionSpec } from '../options/index.js';

/** The schema's options as Discord slash-command options, and the one reader that reads them back. */

/** What /stylize offers; its menu has room for the common settings. */
const DISCORD_OPTIONS = optionsUpTo('common');

/** The command options, with ranges from the schema and the operator's limits, and choices for choice options. */
export function discordOptionFields(limits: OptionLimits): APIApplicationCommandBasicOption[] {
  return DISCORD_OPTIONS.map((option) => field(option, limits));
}

function field(option: OptionSpec, limits: OptionLimits): APIApplicationCommandBasicOption {
  const common = { name: chatName(option.key), description: helpSentence(option), required: false };
  switch (option.kind) {
    case 'number': {
      const { min, max } = bounds(option, limits);
      const range = { min_value: min, max_value: max };
      return option.integer
        ? { ...common, ...range, type: ApplicationCommandOptionType.Integer }
        : { ...common, ...range, type: ApplicationCommandOptionType.Number };
    }
    case 'choice': {
      const choices = Object.entries(option.choices).map(([value, name]) => ({ name, value }));
      return { ...common, type: ApplicationCommandOptionType.String, choices };
    }
    case 'boolean':
      return { ...common, type: ApplicationCommandOptionType.Boolean };
    case 'list':
      return { ...common, type: ApplicationCommandOptionType.String };
  }
}

/** The getters of an interaction's options that the reader needs (discord.js's resolver has them all). */
export interface OptionGetters {
  getInteger(name: string): number | null;
  getNumber(name: string): number | null;
  getString(name: string): string | null;
  getBoolean(name: string): boolean | null;
}

/** What the user set, by schema key; options left out are null, which resolveOptions skips. */
export function readDiscordOptions(args: OptionGetters): Record<string, unknown> {
  return Object.fromEntries(DISCORD_OPTIONS.map((option) => [option.key, read(args, option)]));
}

function read(args: OptionGetters, option: OptionSpec): unknown {
  const name = chatName(option.key);
  switch (option.kind) {
    case 'number':
      return option.integer ? args.getInteger(name) : args.getNumber(name);
    case 'boolean':
      return args.getBoolean(name);
    case 'choice':
    case 'list':
      return args.getString(name);
  }
}
