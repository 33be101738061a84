import { DEFAULT_OPTIONS } from '../engine/options.js';
import type { StylizeOptions } from '../engine/types.js';

/**
 * The one description of the options users may set: key, type, range, default and help. Every front end
 * (Discord, Slack, the CLI) is generated from it, and resolveOptions checks values against it.
 */

/** Bounds an operator sets in config; they cap the options they name in every front end. */
export interface OptionLimits {
  readonly maxSize: number;
  readonly maxIterations: number;
}

/**
 * How far into the settings a front end goes, from the shortest form up; it offers every option at its level and below.
 * - `essential`: every chat form offers it, first (strength, size, keep colours; Slack's upload modal has only these);
 * - `common`: Discord's /stylize offers it too, after the essentials: its advanced part, the raw weights among them;
 * - `advanced`: only where settings are typed freely (Slack's `key=value`, the CLI, the presets file).
 */
export const OPTION_LEVELS = ['essential', 'common', 'advanced'] as const;
export type OptionLevel = (typeof OPTION_LEVELS)[number];

/** Engine settings no user sets: operators tune them in the presets file, and tests set them directly. */
type InternalKey = 'contentLayer' | 'styleLayers' | 'previewEvery';

/** Where `strength` sits when nobody sets it: the base's own style weight. */
export const DEFAULT_STRENGTH = 5;

/**
 * What a member may set: the engine's own options, and `strength`, a dial from 1 to 10 that people understand in
 * place of a raw style weight (resolveOptions turns it into one; see strengthFactor).
 */
export interface UserSettings extends Omit<StylizeOptions, InternalKey> {
  readonly strength: number;
}
export type OptionKey = keyof UserSettings;

const USER_DEFAULTS: UserSettings = { ...DEFAULT_OPTIONS, strength: DEFAULT_STRENGTH };

type KeysWhere<V> = { [K in OptionKey]: UserSettings[K] extends V ? K : never }[OptionKey];

interface Described<K extends OptionKey> {
  readonly key: K;
  /** A short title for forms, e.g. "Style weight". */
  readonly label: string;
  /** What the option does, in one line without a full stop, lower case but for names: "how strongly to paint". */
  readonly help: string;
  readonly level: OptionLevel;
  /** The engine's own default (DEFAULT_OPTIONS); presets may set their own on top. */
  readonly default: UserSettings[K];
}

export interface NumberOption extends Described<KeysWhere<number>> {
  readonly kind: 'number';
  readonly integer: boolean;
  readonly min: number;
  /** A fixed bound, or the operator limit that bounds it. */
  readonly max: number | keyof OptionLimits;
}

export interface ChoiceOption extends Described<KeysWhere<string>> {
  readonly kind: 'choice';
  /** Every value the engine takes, each with its label for menus, e.g. { lbfgs: 'L-BFGS (sharper)' }. */
  readonly choices: Readonly<Record<string, string>>;
}

export interface BooleanOption extends Described<KeysWhere<boolean>> {
  readonly kind: 'boolean';
}

/** Comma-separated non-negative numbers, not all zero. */
export interface ListOption extends Described<KeysWhere<readonly number[]>> {
  readonly kind: 'list';
  /** A good value, shown in help and errors, e.g. "0.7,0.3". */
  readonly example: string;
}

export type OptionSpec = NumberOption | ChoiceOption | BooleanOption | ListOption;

type Entry<S extends OptionSpec> = Omit<S, 'key' | 'default'>;
type EntryFor<K extends OptionKey> = UserSettings[K] extends number
  ? Entry<NumberOption>
  : UserSettings[K] extends boolean
    ? Entry<BooleanOption>
    : UserSettings[K] extends string
      ? // Keyed by the engine's own names, so a choice the engine gains or loses does not compile until listed here.
        Omit<Entry<ChoiceOption>, 'choices'> & { readonly choices: Readonly<Record<UserSettings[K], string>> }
      : Entry<ListOption>;

/**
 * One entry per user option, in the order front ends list them: the essential three first, so that they lead every
 * form and menu, and the raw weights after them. Keyed by option so that a new field of StylizeOptions does not
 * compile until it is described here (or listed as internal above).
 */
const ENTRIES: { readonly [K in OptionKey]: EntryFor<K> } = {
  strength: {
    kind: 'number',
    label: 'Strength',
    help: 'how much of the painting, from 1 (a hint) to 10 (the painting, in the shapes of the photo)',
    level: 'essential',
    integer: true,
    min: 1,
    max: 10,
  },
  size: {
    kind: 'number',
    label: 'Size',
    help: 'longest side of the result in pixels',
    level: 'essential',
    integer: true,
    min: 32,
    max: 'maxSize',
  },
  preserveColors: {
    kind: 'boolean',
    label: 'Keep colours',
    help: "keep the photo's own colours",
    level: 'essential',
  },
  contentWeight: {
    kind: 'number',
    label: 'Content weight',
    help: 'how much of the photo to keep',
    level: 'common',
    integer: false,
    min: 0,
    max: 1e6,
  },
  styleWeight: {
    kind: 'number',
    label: 'Style weight',
    help: 'the raw style weight at strength 5; strength scales it',
    level: 'common',
    integer: false,
    min: 0,
    max: 1e6,
  },
  tvWeight: {
    kind: 'number',
    label: 'TV weight',
    help: 'smoothing; higher means fewer speckles',
    level: 'common',
    integer: false,
    min: 0,
    max: 1e6,
  },
  iterations: {
    kind: 'number',
    label: 'Iterations',
    help: 'more is slower and more stylised',
    level: 'common',
    integer: true,
    min: 1,
    max: 'maxIterations',
  },
  optimizer: {
    kind: 'choice',
    label: 'Optimizer',
    help: 'L-BFGS is sharper, Adam is steadier',
    level: 'common',
    choices: { lbfgs: 'L-BFGS (sharper)', adam: 'Adam (steadier)' },
  },
  seed: {
    kind: 'number',
    label: 'Seed',
    help: 'same seed, same picture',
    level: 'common',
    integer: true,
    min: 0,
    max: 2 ** 31 - 1,
  },
  init: {
    kind: 'choice',
    label: 'Start from',
    help: 'start from the content photo or from noise',
    // Common, so that a Variation's "made with" line (from noise, a new seed) can be typed into /stylize again.
    level: 'common',
    choices: { content: 'The photo', noise: 'Noise' },
  },
  styleBlend: {
    kind: 'list',
    label: 'Style blend',
    help: 'comma-separated weights, one per style image',
    level: 'advanced',
    example: '0.7,0.3',
  },
  styleScale: {
    kind: 'number',
    label: 'Style scale',
    help: 'size of the style brush strokes relative to the result',
    level: 'advanced',
    integer: false,
    min: 0.1,
    max: 4,
  },
  scales: {
    kind: 'number',
    label: 'Scales',
    help: 'coarse-to-fine passes, 0 for automatic',
    level: 'advanced',
    integer: true,
    min: 0,
    max: 4,
  },
  learningRate: {
    kind: 'number',
    label: 'Learning rate',
    help: "Adam's step size in pixel units",
    level: 'advanced',
    integer: false,
    min: 0.01,
    max: 100,
  },
};

function spec<K extends OptionKey>(key: K): OptionSpec {
  // ENTRIES[key] is the entry for K's kind, so with K's key and default it is that kind of OptionSpec.
  return { ...ENTRIES[key], key, default: USER_DEFAULTS[key] } as OptionSpec;
}

/** Every option users may set, in the order front ends list them. */
export const OPTION_SCHEMA: readonly OptionSpec[] = (Object.keys(ENTRIES) as OptionKey[]).map(spec);

/** The options a front end offers when it goes as far as `level` (see OPTION_LEVELS). */
export function optionsUpTo(level: OptionLevel): readonly OptionSpec[] {
  const depth = OPTION_LEVELS.indexOf(level);
  return OPTION_SCHEMA.filter((option) => OPTION_LEVELS.indexOf(option.level) <= depth);
}

/** camelCase, snake_case and kebab-case all name the same option. */
export function canonicalKey(key: string): string {
  return key.replace(/[-_]/g, '').toLowerCase();
}

const BY_CANONICAL_KEY = new Map(OPTION_SCHEMA.map((option) => [canonicalKey(option.key), option]));

/** The option a name means, in any case style (`style_weight`, `styleWeight`, `style-weight`). */
export function findOption(name: string): OptionSpec | undefined {
  return BY_CANONICAL_KEY.get(canonicalKey(name));
}

/** A number option's bounds once the operator's limits are applied. */
export function bounds(option: NumberOption, limits: OptionLimits): { readonly min: number; readonly max: number } {
  return { min: option.min, max: typeof option.max === 'number' ? option.max : limits[option.max] };
}

/** The values a choice option takes, e.g. ['lbfgs', 'adam']. */
export function choiceValues(option: ChoiceOption): readonly string[] {
  return Object.keys(option.choices);
}

/** The help as the start of a sentence, for descriptions and hints: "How strongly to paint in the style". */
export function helpSentence(option: OptionSpec): string {
  return option.help.charAt(0).toUpperCase() + option.help.slice(1);
}
