import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type {
  APIApplicationCommandOption,
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { ConfigError } from '../config/env.js';
import { REPO_ROOT } from '../config/paths.js';
import type { OptionLimits } from '../options/index.js';
import type { DiscordContext } from './context.js';

export type CommandData = RESTPostAPIChatInputApplicationCommandsJSONBody;
export type CommandHandler = (interaction: ChatInputCommandInteraction, context: DiscordContext) => Promise<void>;
/** Answers what the member is typing into an option marked `autocomplete` with up to 25 suggestions. */
export type AutocompleteHandler = (interaction: AutocompleteInteraction, context: DiscordContext) => Promise<void>;

export interface Command {
  readonly data: CommandData;
  readonly execute: CommandHandler;
  readonly autocomplete?: AutocompleteHandler;
}

const COMMANDS_DIR = join(REPO_ROOT, 'commands');

/** Handlers run from TypeScript sources under tests and tsx, and from built JavaScript otherwise. */
function handlerUrl(name: string): URL {
  const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`./commands/${name}.${extension}`, import.meta.url);
}

/** Command options a handler builds from the option schema, given the operator's limits. */
export type GeneratedOptions = (limits: OptionLimits) => APIApplicationCommandOption[];

/**
 * Finds every command: its definition in commands/<name>.json and its handler, the `execute`
 * export of src/discord/commands/<name>.ts. Adding a command means adding those two files only.
 * A handler may also export `generatedOptions` (a GeneratedOptions), which follow the options the JSON lists, and
 * `autocomplete` (an AutocompleteHandler) for its options marked `"autocomplete": true`.
 */
export async function loadCommands(limits: OptionLimits): Promise<Command[]> {
  const files = (await readdir(COMMANDS_DIR)).filter((file) => file.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => {
      const name = basename(file, '.json');
      const json = JSON.parse(await readFile(join(COMMANDS_DIR, file), 'utf8')) as CommandData;
      if (json.name !== name) {
        const defined = JSON.stringify(json.name) ?? 'no name';
        throw new ConfigError(`commands/${file} defines ${defined}; the file must be named after its command.`);
      }
      const module = (await import(handlerUrl(name).href)) as {
        execute?: unknown;
        generatedOptions?: unknown;
        autocomplete?: unknown;
      };
      const where = `src/discord/commands/${name}.ts`;
      if (typeof module.execute !== 'function') {
        throw new ConfigError(`${where} must export an \`execute\` function for commands/${file}.`);
      }
      const { generatedOptions } = module;
      if (generatedOptions !== undefined && typeof generatedOptions !== 'function') {
        throw new ConfigError(`${where} exports \`generatedOptions\`, which must be a function of the option limits.`);
      }
      const { autocomplete } = module;
      if (autocomplete !== undefined && typeof autocomplete !== 'function') {
        throw new ConfigError(`${where} exports \`autocomplete\`, which must be a function.`);
      }
      const generated = generatedOptions === undefined ? [] : (generatedOptions as GeneratedOptions)(limits);
      const data: CommandData = { ...json, options: [...(json.options ?? []), ...generated] };
      return {
        data,
        execute: module.execute as CommandHandler,
        ...(autocomplete === undefined ? {} : { autocomplete: autocomplete as AutocompleteHandler }),
      };
    }),
  );
}
