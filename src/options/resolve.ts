import { DEFAULT_OPTIONS } from '../engine/options.js';
import type { StylizeOptions } from '../engine/types.js';
import { OptionError } from '../errors.js';
import {
  bounds,
  choiceValues,
  findOption,
  OPTION_SCHEMA,
  type BooleanOption,
  type ChoiceOption,
  type ListOption,
  type NumberOption,
  type OptionLimits,
  type OptionSpec,
} from './schema.js';

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
    if (option.kind === 'number') fitted[option.key] = Math.min(base[option.key], bounds(option, limits).max);
  }
  return fitted;
}

/**
 * Turns user-supplied options (numbers, booleans or strings, keyed in any case style) into complete
 * StylizeOptions on top of `base`, checked against the schema and the operator's limits.
 * Throws OptionError naming the option and the rule it broke; missing (null or undefined) values keep `base`.
 */
export function resolveOptions(
  input: Readonly<Record<string, unknown>>,
  limits: OptionLimits,
  base: StylizeOptions = DEFAULT_OPTIONS,
): StylizeOptions {
  const resolved = withinLimits(base, limits);
  for (const [name, raw] of Object.entries(input)) {
    if (raw === undefined || raw === null) continue;
    const option = findOption(name);
    if (!option) {
      throw new OptionError(name, { kind: 'unknown', known: OPTION_SCHEMA.map((o) => o.key) }, { given: name });
    }
    resolved[option.key] = parseValue(option, raw, limits);
  }
  // Every value set above was parsed by its own option's kind, so the object keeps StylizeOptions' shape.
  return resolved as unknown as StylizeOptions;
}
