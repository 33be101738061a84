import { DEFAULT_OPTIONS } from '../engine/options.js';
import type { StylizeOptions } from '../engine/types.js';
import { OptionError } from '../errors.js';
import {
  bounds,
  choiceValues,
  DEFAULT_STRENGTH,
  findOption,
  OPTION_SCHEMA,
  type BooleanOption,
  type ChoiceOption,
  type ListOption,
  type NumberOption,
  type OptionLimits,
  type OptionSpec,
  type UserSettings,
} from './schema.js';

/**
 * How much the style weight grows per step of strength: strength s paints with the base's style weight times
 * STRENGTH_RATIO^(s − 5). A ratio, not an offset, so it holds whatever scale the engine's weights are on (and the
 * presets' own). Tuned by eye with `npm run gallery -- --strengths 1,3,5,7,10` (docs/strength-contact-sheet.jpg),
 * before and after issue 13's relative loss terms: at 1 the photo with a hint of the painting, at 10 the painting in
 * the photo's shapes. 2 left strength 1 too painted on the old engine; 2.5 washed the shapes out at 10.
 */
export const STRENGTH_RATIO = 2.2;

/** The factor strength `strength` puts on the style weight it is given (1 at the default strength). */
export function strengthFactor(strength: number): number {
  return STRENGTH_RATIO ** (strength - DEFAULT_STRENGTH);
}

/** A member's settings as parsed, by schema key: only those they set. */
export type Settings = { readonly [K in keyof UserSettings]?: UserSettings[K] };

function parseNumber(option: NumberOption, raw: unknown, limits: OptionLimits): number {
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  const { key, help } = option;
  if (!Number.isFinite(value)) throw new OptionError(key, { kind: 'type', expected: 'number' }, { given: raw, help });
  if (option.integer && !Number.isInteger(value)) throw new OptionError(key, { kind: 'integer' }, { given: raw });
  const { min, max } = bounds(option, limits);
  if (value < min || value > max) throw new OptionError(key, { kind: 'range', min, max }, { given: value, help });
  return value;
}

function parseBoolean(option: BooleanOption, raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw;
  const text = String(raw).toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(text)) return true;
  if (['false', 'no', 'off', '0'].includes(text)) return false;
  throw new OptionError(option.key, { kind: 'type', expected: 'yes-or-no' }, { given: raw, help: option.help });
}

function parseList(option: ListOption, raw: unknown): number[] {
  const parts: unknown[] = Array.isArray(raw) ? raw : String(raw).split(',');
  const values = parts.map((part) => (typeof part === 'number' ? part : Number(String(part).trim())));
  if (values.length === 0 || values.some((v) => !Number.isFinite(v) || v < 0) || values.every((v) => v === 0)) {
    const rule = { kind: 'type', expected: 'list', example: option.example } as const;
    throw new OptionError(option.key, rule, { given: raw, help: option.help });
  }
  return values;
}

function parseChoice(option: ChoiceOption, raw: unknown): string {
  const text = String(raw).toLowerCase();
  const choices = choiceValues(option);
  if (!choices.includes(text)) {
    throw new OptionError(option.key, { kind: 'choice', choices }, { given: raw, help: option.help });
  }
  return text;
}

function parseValue(option: OptionSpec, raw: unknown, limits: OptionLimits): unknown {
  switch (option.kind) {
    case 'number':
      return parseNumber(option, raw, limits);
    case 'boolean':
      return parseBoolean(option, raw);
    case 'list':
      return parseList(option, raw);
    case 'choice':
      return parseChoice(option, raw);
  }
}

/** `base` with every default above an operator's limit brought down to it, so a job that sets nothing fits. */
function withinLimits(base: StylizeOptions, limits: OptionLimits): Record<string, unknown> {
  const fitted: Record<string, unknown> = { ...base };
  for (const option of OPTION_SCHEMA) {
    // Strength is not one of the engine's settings: it has no value in `base` to bring down.
    if (option.kind === 'number' && option.key !== 'strength') {
      fitted[option.key] = Math.min(base[option.key], bounds(option, limits).max);
    }
  }
  return fitted;
}

/**
 * Checks user-supplied settings (numbers, booleans or strings, keyed in any case style) against the schema and the
 * operator's limits, and returns them parsed, by schema key. Missing (null or undefined) values are left out.
 * Throws OptionError naming the option and the rule it broke.
 */
export function parseSettings(input: Readonly<Record<string, unknown>>, limits: OptionLimits): Settings {
  const parsed: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(input)) {
    if (raw === undefined || raw === null) continue;
    const option = findOption(name);
    if (!option) {
      throw new OptionError(name, { kind: 'unknown', known: OPTION_SCHEMA.map((o) => o.key) }, { given: name });
    }
    parsed[option.key] = parseValue(option, raw, limits);
  }
  // Every value set above was parsed by its own option's kind, so each has that option's type.
  return parsed;
}

/**
 * Turns user-supplied options into complete StylizeOptions on top of `base` (see parseSettings). Strength scales
 * the style weight, and one rule settles both being given: `style_weight` (the member's, else the base's) is the
 * weight at strength 5, and strength moves it from there by strengthFactor. So `style_weight` alone is used as
 * typed, and a remix's "More style" works on top of a typed weight too.
 */
export function resolveOptions(
  input: Readonly<Record<string, unknown>>,
  limits: OptionLimits,
  base: StylizeOptions = DEFAULT_OPTIONS,
): StylizeOptions {
  const { strength = DEFAULT_STRENGTH, ...engineSettings } = parseSettings(input, limits);
  // Parsed by the schema, so each value has its own option's type.
  const resolved = { ...withinLimits(base, limits), ...engineSettings } as unknown as StylizeOptions;
  return { ...resolved, styleWeight: resolved.styleWeight * strengthFactor(strength) };
}
