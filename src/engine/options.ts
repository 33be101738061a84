import { OptionError } from '../errors.js';
import { INITS, OPTIMIZERS, type StyleLayer, type StylizeOptions } from './types.js';

/**
 * Defaults, tuned by eye on ../shared/images at 256 and 512 px (see README "Presets and tuning").
 * Style layers follow Gatys et al.: conv1_1 … conv5_1, content at conv4_2.
 */
export const DEFAULT_STYLE_LAYERS: readonly StyleLayer[] = [
  { layer: 'block1_conv1', weight: 0.2 },
  { layer: 'block2_conv1', weight: 0.2 },
  { layer: 'block3_conv1', weight: 0.2 },
  { layer: 'block4_conv1', weight: 0.2 },
  { layer: 'block5_conv1', weight: 0.2 },
];

export const DEFAULT_OPTIONS: StylizeOptions = {
  size: 512,
  iterations: 100,
  optimizer: 'lbfgs',
  contentWeight: 1,
  styleWeight: 1e-4,
  tvWeight: 10,
  styleBlend: [1],
  styleScale: 1,
  init: 'content',
  seed: 0,
  preserveColors: false,
  scales: 0,
  contentLayer: 'block4_conv2',
  styleLayers: DEFAULT_STYLE_LAYERS,
  learningRate: 4,
};

/** Bounds an operator sets in config; user options are checked against them. */
export interface OptionLimits {
  readonly maxSize: number;
  readonly maxIterations: number;
}

interface NumberRule {
  readonly kind: 'number';
  readonly key: keyof StylizeOptions;
  readonly min: number;
  readonly max: number;
  readonly integer?: boolean;
  readonly hint: string;
}
interface ChoiceRule {
  readonly kind: 'choice';
  readonly key: keyof StylizeOptions;
  readonly choices: readonly string[];
  readonly hint: string;
}
interface BooleanRule {
  readonly kind: 'boolean';
  readonly key: keyof StylizeOptions;
  readonly hint: string;
}
interface ListRule {
  readonly kind: 'list';
  readonly key: keyof StylizeOptions;
  readonly hint: string;
}
type Rule = NumberRule | ChoiceRule | BooleanRule | ListRule;

function rules(limits: OptionLimits): Rule[] {
  return [
    { kind: 'number', key: 'size', min: 32, max: limits.maxSize, integer: true, hint: 'longest side of the result in pixels' },
    { kind: 'number', key: 'iterations', min: 1, max: limits.maxIterations, integer: true, hint: 'more is slower and more stylised' },
    { kind: 'choice', key: 'optimizer', choices: OPTIMIZERS, hint: 'lbfgs (sharper) or adam' },
    { kind: 'number', key: 'contentWeight', min: 0, max: 1e6, hint: 'how much of the photo to keep' },
    { kind: 'number', key: 'styleWeight', min: 0, max: 1e6, hint: 'how strongly to paint in the style' },
    { kind: 'number', key: 'tvWeight', min: 0, max: 1e6, hint: 'smoothing; higher means fewer speckles' },
    { kind: 'list', key: 'styleBlend', hint: 'comma-separated weights, one per style image' },
    { kind: 'number', key: 'styleScale', min: 0.1, max: 4, hint: 'size of the style brush strokes relative to the result' },
    { kind: 'choice', key: 'init', choices: INITS, hint: 'start from the content photo or from noise' },
    { kind: 'number', key: 'seed', min: 0, max: 2 ** 31 - 1, integer: true, hint: 'same seed, same picture' },
    { kind: 'boolean', key: 'preserveColors', hint: "keep the photo's own colours" },
    { kind: 'number', key: 'scales', min: 0, max: 4, integer: true, hint: 'coarse-to-fine passes (0 = automatic)' },
    { kind: 'number', key: 'learningRate', min: 0.01, max: 100, hint: "Adam's step size in pixel units" },
  ];
}

/** camelCase, snake_case and kebab-case all name the same option. */
export function canonicalKey(key: string): string {
  return key.replace(/[-_]/g, '').toLowerCase();
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text === undefined ? 'nothing' : `"${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`;
}

function parseNumber(rule: NumberRule, raw: unknown): number {
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  const label = optionLabel(rule.key);
  if (!Number.isFinite(value)) throw new OptionError(`${label} needs a number (${rule.hint}); got ${describe(raw)}.`);
  if (rule.integer && !Number.isInteger(value)) throw new OptionError(`${label} needs a whole number; got ${describe(raw)}.`);
  if (value < rule.min || value > rule.max) {
    throw new OptionError(`${label} must be between ${rule.min} and ${rule.max} (${rule.hint}); got ${value}.`);
  }
  return value;
}

function parseBoolean(rule: BooleanRule, raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw;
  const text = String(raw).toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(text)) return true;
  if (['false', 'no', 'off', '0'].includes(text)) return false;
  throw new OptionError(`${optionLabel(rule.key)} is yes or no (${rule.hint}); got ${describe(raw)}.`);
}

function parseList(rule: ListRule, raw: unknown): number[] {
  const parts = Array.isArray(raw) ? raw : String(raw).split(',');
  const values = parts.map((part) => (typeof part === 'number' ? part : Number(String(part).trim())));
  if (values.length === 0 || values.some((v) => !Number.isFinite(v) || v < 0) || values.every((v) => v === 0)) {
    throw new OptionError(`${optionLabel(rule.key)} takes ${rule.hint}, like 0.7,0.3; got ${describe(raw)}.`);
  }
  return values;
}

/** How an option is spelled for users, e.g. `style_weight`. */
export function optionLabel(key: keyof StylizeOptions): string {
  return `\`${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}\``;
}

/**
 * Turns user-supplied options (numbers, booleans or strings, keyed in any case style) into
 * complete StylizeOptions on top of `base`. Throws OptionError with a message meant for the user.
 */
export function resolveOptions(
  input: Readonly<Record<string, unknown>>,
  limits: OptionLimits,
  base: StylizeOptions = DEFAULT_OPTIONS,
): StylizeOptions {
  const byName = new Map(rules(limits).map((rule) => [canonicalKey(rule.key), rule]));
  const resolved: Record<string, unknown> = { ...base, size: Math.min(base.size, limits.maxSize) };
  for (const [key, raw] of Object.entries(input)) {
    if (raw === undefined || raw === null) continue;
    const rule = byName.get(canonicalKey(key));
    if (!rule) {
      const known = [...byName.values()].map((r) => optionLabel(r.key)).join(', ');
      throw new OptionError(`I don't know the option ${describe(key)}. Options I understand: ${known}.`);
    }
    switch (rule.kind) {
      case 'number':
        resolved[rule.key] = parseNumber(rule, raw);
        break;
      case 'boolean':
        resolved[rule.key] = parseBoolean(rule, raw);
        break;
      case 'list':
        resolved[rule.key] = parseList(rule, raw);
        break;
      case 'choice': {
        const text = String(raw).toLowerCase();
        if (!rule.choices.includes(text)) {
          throw new OptionError(`${optionLabel(rule.key)} is one of ${rule.choices.join(', ')} (${rule.hint}); got ${describe(raw)}.`);
        }
        resolved[rule.key] = text;
        break;
      }
    }
  }
  return resolved as unknown as StylizeOptions;
}
