import { chatName, parseSettings, type OptionLimits, type Settings } from '../options/index.js';

/**
 * How a member asked for a job, in their own terms rather than the engine's: the preset, and the settings they set
 * (strength among them). It is what the result's "made with" line shows, and what a remix changes one setting of.
 */
export interface Recipe {
  /** The preset it was painted with, by id; undefined for a style image of the member's own. */
  readonly presetId?: string;
  /** The settings the member set, parsed, by schema key; everything else came from the defaults or the preset. */
  readonly settings: Settings;
}

/** The recipe of a request: what `asked` sets (checked against the schema; throws OptionError) and the preset. */
export function recipeFor(asked: Readonly<Record<string, unknown>>, limits: OptionLimits, presetId?: string): Recipe {
  const settings = parseSettings(asked, limits);
  return presetId === undefined ? { settings } : { presetId, settings };
}

/** A setting as it is typed into /stylize on either platform, e.g. `strength 7`, `preserve_colors yes`. */
export function settingWords(key: string, value: unknown): string {
  const shown = typeof value === 'boolean' ? (value ? 'yes' : 'no') : Array.isArray(value) ? value.join(',') : value;
  return `${chatName(key)} ${String(shown)}`;
}
