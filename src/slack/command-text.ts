import { OptionError, UserError } from '../errors.js';
import { findOption, optionsUpTo, type OptionKey } from '../options/index.js';

/** What `/stylize key=value` accepts: every option, since settings are typed freely there. */
const SLACK_TEXT_OPTIONS = optionsUpTo('advanced');

/** What someone asked for with `/stylize …`, before any preset or option is looked up. */
export type StylizeCommand =
  | { readonly kind: 'cancel' }
  /** `/stylize presets`: the gallery of every preset. */
  | { readonly kind: 'gallery' }
  | {
      readonly kind: 'paint';
      /** A preset named with `preset=…` or as a bare word. */
      readonly preset: string | undefined;
      /** Settings by schema key, values as typed, e.g. { iterations: '50' }; resolveOptions checks the values. */
      readonly options: Readonly<Partial<Record<OptionKey, string>>>;
    };

/** Slack may send typographic quotes and non-breaking spaces; both come from phones and copy-paste. */
function normalise(text: string): string {
  return text
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .replace(/[“”]/g, '"')
    .trim();
}

/** `next` as the preset, unless one was named already; `asTyped` is how the user wrote it. */
function onlyPreset(named: string | undefined, next: string, asTyped = next): string {
  if (named !== undefined) {
    throw new UserError('bad-command', `I can use one preset at a time; you named "${named}" and "${asTyped}".`);
  }
  return next;
}

/** The option a typed key names, in any case style; anything else is refused with the list of options. */
function optionKey(typed: string): OptionKey {
  const option = findOption(typed);
  if (option && SLACK_TEXT_OPTIONS.includes(option)) return option.key;
  throw new OptionError(typed, { kind: 'unknown', known: SLACK_TEXT_OPTIONS.map((o) => o.key) }, { given: typed });
}

/** Parses the text after `/stylize`: `cancel`, `presets`, or a preset name, and `key=value` settings. */
export function parseStylizeCommand(text: string): StylizeCommand {
  const words = normalise(text)
    .split(/\s+/)
    .filter((word) => word !== '');
  if (words.length === 1 && words[0]?.toLowerCase() === 'cancel') return { kind: 'cancel' };
  if (words.length === 1 && words[0]?.toLowerCase() === 'presets') return { kind: 'gallery' };

  let preset: string | undefined;
  const options: Partial<Record<OptionKey, string>> = {};
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq === -1) {
      // `:ocean:` is how an emoji name is typed in Slack.
      preset = onlyPreset(preset, word.replace(/^:(.+):$/, '$1'), word);
      continue;
    }
    const key = word.slice(0, eq);
    const value = word.slice(eq + 1).replace(/^"(.*)"$/, '$1');
    if (key === '' || value === '') {
      const example = 'Settings look like `key=value`, e.g. `iterations=50`';
      throw new UserError('bad-command', `${example}; "${word}" is missing a side.`);
    }
    if (key.toLowerCase() === 'preset') {
      preset = onlyPreset(preset, value);
    } else {
      options[optionKey(key)] = value;
    }
  }
  return { kind: 'paint', preset, options };
}
