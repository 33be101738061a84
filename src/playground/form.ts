import { isDeepStrictEqual } from 'node:util';
import type { StylizeOptions } from '../engine/types.js';
import type { Preset, PresetCatalog } from '../jobs/presets.js';
import {
  bounds,
  DEFAULT_STRENGTH,
  findOption,
  helpSentence,
  optionsUpTo,
  parseSettings,
  resolveOptions,
  type OptionKey,
  type OptionLevel,
  type OptionLimits,
  type OptionSpec,
  type UserSettings,
} from '../options/index.js';

/** One input of the page's settings, as the page's script draws it; generated from the option schema. */
export interface FormField {
  /** The schema key, which is also the form field's name, e.g. `styleWeight`. */
  readonly key: string;
  readonly label: string;
  /** The help as a sentence, shown under the input. */
  readonly help: string;
  /** `essential` and `common` are shown; `advanced` wait behind "More settings". */
  readonly level: OptionLevel;
  readonly kind: OptionSpec['kind'];
  /** Number fields: their bounds under the operator's limits, and 1 for whole numbers ("any" otherwise). */
  readonly min?: number;
  readonly max?: number;
  readonly step?: number | 'any';
  /** Choice fields: each value with its label. */
  readonly choices?: ReadonlyArray<{ readonly value: string; readonly label: string }>;
  /** List fields: a good value to show. */
  readonly example?: string;
}

/** A value in the form: what a field shows before the visitor changes it. */
export type FieldValue = number | string | boolean;

/** The page takes one painting, and a blend weighs several. */
const NOT_ON_THE_PAGE: ReadonlySet<string> = new Set(['styleBlend']);

function field(option: OptionSpec, limits: OptionLimits): FormField {
  const { key, label, level, kind } = option;
  const base = { key, label, help: helpSentence(option), level, kind };
  switch (option.kind) {
    case 'number':
      return { ...base, ...bounds(option, limits), step: option.integer ? 1 : 'any' };
    case 'choice':
      return { ...base, choices: Object.entries(option.choices).map(([value, text]) => ({ value, label: text })) };
    case 'boolean':
      return base;
    case 'list':
      return { ...base, example: option.example };
  }
}

/** Every setting the page offers, in the schema's order. */
export function formFields(limits: OptionLimits): FormField[] {
  return optionsUpTo('advanced')
    .filter((option) => !NOT_ON_THE_PAGE.has(option.key))
    .map((option) => field(option, limits));
}

/**
 * What each field shows for settings `base` (the defaults, or a preset's), brought within the operator's limits as
 * a job that changes nothing would be.
 */
export function formValues(base: StylizeOptions, limits: OptionLimits): Record<string, FieldValue> {
  const fitted = shownSettings(base, limits);
  const values: Record<string, FieldValue> = {};
  for (const { key } of formFields(limits)) {
    const value: unknown = fitted[key as OptionKey];
    if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') values[key] = value;
    else if (Array.isArray(value)) values[key] = value.join(',');
  }
  return values;
}

/** What the form is filled in with for `base`: its settings within the limits, at the default strength. */
function shownSettings(base: StylizeOptions, limits: OptionLimits): UserSettings {
  return { ...resolveOptions({}, limits, base), strength: DEFAULT_STRENGTH };
}

/** The settings the form shows for `preset`, against which the page's job tells what the visitor changed. */
export function presetBase(preset: Preset, catalog: PresetCatalog): StylizeOptions {
  return preset.painting?.base ?? catalog.defaults;
}

/**
 * The settings in `posted` that differ from `base`'s, the values the form was filled in with: the page sends every
 * field, and only what the visitor changed counts as asked for, so that a preset left as it is keeps its fast style
 * network. Throws OptionError for a value the schema refuses.
 */
export function changedSettings(
  posted: Readonly<Record<string, string>>,
  base: StylizeOptions,
  limits: OptionLimits,
): Record<string, string> {
  const chosen = parseSettings(posted, limits);
  const shown = shownSettings(base, limits);
  return Object.fromEntries(
    Object.entries(posted).filter(([name]) => {
      // Known: resolveOptions refuses a name that is no option.
      const key = findOption(name)!.key;
      return !isDeepStrictEqual(chosen[key], shown[key]);
    }),
  );
}
