import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { DEFAULT_OPTIONS } from '../engine/options.js';
import type { RgbImage, StyleLayer, StylizeOptions } from '../engine/types.js';
import { isLayerName } from '../engine/vgg19.js';
import { ConfigError, UserError } from '../errors.js';
import { decodeImage } from '../images/decode.js';
import type { ImageLimits } from '../images/limits.js';
import { canonicalKey, resolveOptions, type OptionLimits } from '../options/index.js';

/** A ready-made style: a painting from the assets plus engine settings tuned for it. */
export interface Preset {
  /** Machine name, used as the `/stylize preset:` choice, e.g. "great_wave". */
  readonly name: string;
  /** What users read, e.g. "The Great Wave (Hokusai)". */
  readonly title: string;
  /** The unicode emoji that asks for it as a reaction, e.g. "🌊". */
  readonly emoji: string;
  /** Slack's name for the same emoji, e.g. "ocean". */
  readonly slackName: string;
  /** The style image, relative to the assets root, e.g. "images/styles/hokusai_great_wave.jpg". */
  readonly style: string;
  /** The preset's user-level settings as written in the file; all accepted by resolveOptions. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Complete settings for this preset (defaults, then the preset's own); the base for a user's options. */
  readonly base: StylizeOptions;
  loadStyle(): Promise<RgbImage>;
}

export interface PresetCatalog {
  /** Settings for jobs without a preset. */
  readonly defaults: StylizeOptions;
  byEmoji(emoji: string): Preset | undefined;
  bySlackName(name: string): Preset | undefined;
  byName(name: string): Preset | undefined;
  list(): Preset[];
}

export interface PresetSources {
  /** The presets file, e.g. config/presets.json. */
  readonly file: string;
  /** Where style paths are resolved from; laid out like ../shared. */
  readonly assetsRoot: string;
  readonly optionLimits: OptionLimits;
  readonly imageLimits: ImageLimits;
}

/** Engine settings a preset may tune that users may not; resolveOptions does not take them. */
interface Tuning {
  contentLayer?: StylizeOptions['contentLayer'];
  styleLayers?: StylizeOptions['styleLayers'];
  previewEvery?: number;
}

const PRESET_KEYS = new Set(['name', 'title', 'slack', 'style', 'options']);
const FILE_KEYS = new Set(['defaults', 'presets']);
/** Discord allows at most 25 choices on an option. */
const MAX_PRESETS = 25;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Variation selectors make "⛵" and "⛵️" different strings for the same emoji. */
function normaliseEmoji(emoji: string): string {
  return emoji.replace(/\uFE0F/g, '');
}

function parseStyleLayers(value: unknown, where: string): StyleLayer[] {
  const entries = Array.isArray(value) ? value : [];
  const layers = entries.map((entry: unknown): StyleLayer | undefined => {
    const { layer, weight } = isObject(entry) ? entry : { layer: entry, weight: 1 };
    if (typeof layer !== 'string' || !isLayerName(layer) || typeof weight !== 'number' || !(weight > 0)) return undefined;
    return { layer, weight };
  });
  if (layers.length === 0 || layers.some((layer) => layer === undefined)) {
    throw new ConfigError(`${where}: style_layers must be a list of VGG19 layers like "block1_conv1" or {"layer": "block1_conv1", "weight": 1}.`);
  }
  return layers.filter((layer): layer is StyleLayer => layer !== undefined);
}

/** Splits a settings object into what resolveOptions takes and the engine-only tuning, validating the latter. */
function splitSettings(value: unknown, where: string): { user: JsonObject; tuning: Tuning } {
  if (value === undefined) return { user: {}, tuning: {} };
  if (!isObject(value)) throw new ConfigError(`${where}: options must be an object like {"style_weight": 0.002}.`);
  const user: JsonObject = {};
  const tuning: Tuning = {};
  for (const [key, raw] of Object.entries(value)) {
    switch (canonicalKey(key)) {
      case 'contentlayer':
        if (typeof raw !== 'string' || !isLayerName(raw)) {
          throw new ConfigError(`${where}: content_layer must be a VGG19 layer like "block4_conv2"; got ${JSON.stringify(raw)}.`);
        }
        tuning.contentLayer = raw;
        break;
      case 'stylelayers':
        tuning.styleLayers = parseStyleLayers(raw, where);
        break;
      case 'previewevery':
        if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0) {
          throw new ConfigError(`${where}: preview_every must be a whole number of iterations (0 turns previews off).`);
        }
        tuning.previewEvery = raw;
        break;
      default:
        user[key] = raw;
    }
  }
  return { user, tuning };
}

function settle(value: unknown, where: string, limits: OptionLimits, base: StylizeOptions) {
  const { user, tuning } = splitSettings(value, where);
  try {
    return { user, options: { ...resolveOptions(user, limits, base), ...tuning } };
  } catch (err) {
    if (err instanceof UserError) throw new ConfigError(`${where}: ${err.message}`);
    throw err;
  }
}

function text(entry: JsonObject, key: string, where: string, pattern: RegExp, example: string): string {
  const value = entry[key];
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new ConfigError(`${where}: "${key}" must be ${example}; got ${JSON.stringify(value) ?? 'nothing'}.`);
  }
  return value;
}

async function readJson(file: string): Promise<unknown> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch {
    throw new ConfigError(`I can't read the presets file ${file}. Set EASEL_PRESETS to its path.`);
  }
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new ConfigError(`The presets file ${file} is not valid JSON (${(err as Error).message}).`);
  }
}

async function loadPresetStyle(sources: PresetSources, style: string, where: string): Promise<RgbImage> {
  const path = resolve(sources.assetsRoot, style);
  const inside = relative(sources.assetsRoot, path);
  if (isAbsolute(style) || inside.startsWith('..')) {
    throw new ConfigError(`${where}: "style" must be a path inside the assets folder, like "images/styles/hokusai_great_wave.jpg".`);
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    throw new ConfigError(`${where}: the style image ${path} does not exist. Check "style", or set EASEL_ASSETS to the assets folder.`);
  }
  try {
    // No job scales a style above the largest output side, so neither is the shared copy kept for every job.
    const maxSide = sources.optionLimits.maxSize;
    return await decodeImage(bytes, sources.imageLimits, { what: 'style image', maxSide });
  } catch (err) {
    if (err instanceof UserError) throw new ConfigError(`${where}: ${err.message}`);
    throw err;
  }
}

/**
 * Reads and checks the presets file once, at start-up: every preset's keys, options and style image.
 * Throws one ConfigError naming the preset at fault.
 */
export async function loadPresets(sources: PresetSources): Promise<PresetCatalog> {
  const file = await readJson(sources.file);
  const fileWhere = `Presets file ${sources.file}`;
  if (!isObject(file)) throw new ConfigError(`${fileWhere}: expected {"defaults": {…}, "presets": {"🌊": {…}}}.`);
  const strayKey = Object.keys(file).find((key) => !FILE_KEYS.has(key));
  if (strayKey !== undefined) throw new ConfigError(`${fileWhere}: unknown key "${strayKey}"; expected "defaults" and "presets".`);
  const defaults = settle(file.defaults, `${fileWhere}, defaults`, sources.optionLimits, DEFAULT_OPTIONS).options;
  const entries = isObject(file.presets) ? Object.entries(file.presets) : [];
  if (entries.length > MAX_PRESETS) throw new ConfigError(`${fileWhere}: at most ${MAX_PRESETS} presets fit in a Discord menu.`);

  const presets = await Promise.all(
    entries.map(async ([emoji, entry]): Promise<Preset> => {
      const where = `Preset ${emoji}${isObject(entry) && typeof entry.name === 'string' ? ` (${entry.name})` : ''}`;
      if (!/^\p{Extended_Pictographic}/u.test(emoji)) throw new ConfigError(`${where}: the key must be one emoji, like "🌊".`);
      if (!isObject(entry)) throw new ConfigError(`${where}: expected an object with name, title, slack, style and options.`);
      const strayKey = Object.keys(entry).find((key) => !PRESET_KEYS.has(key));
      if (strayKey !== undefined) {
        throw new ConfigError(`${where}: unknown key "${strayKey}"; a preset has ${[...PRESET_KEYS].join(', ')}.`);
      }
      const name = text(entry, 'name', where, /^[a-z0-9_]{1,32}$/, 'lowercase letters, digits and _ like "great_wave"');
      const title = text(entry, 'title', where, /^.{1,80}$/u, 'a short title like "The Great Wave (Hokusai)"');
      const slackName = text(entry, 'slack', where, /^[a-z0-9_+-]{1,64}$/, 'a Slack emoji name like "ocean"');
      const style = text(entry, 'style', where, /\S/, 'a path like "images/styles/hokusai_great_wave.jpg"');
      const { user, options } = settle(entry.options, where, sources.optionLimits, defaults);
      const image = await loadPresetStyle(sources, style, where);
      return { name, title, emoji: normaliseEmoji(emoji), slackName, style, options: user, base: options, loadStyle: () => Promise.resolve(image) };
    }),
  );

  for (const key of ['name', 'emoji', 'slackName'] as const) {
    const seen = new Set<string>();
    for (const preset of presets) {
      if (seen.has(preset[key])) throw new ConfigError(`Preset ${preset.emoji} (${preset.name}): another preset has the same ${key} "${preset[key]}".`);
      seen.add(preset[key]);
    }
  }

  return {
    defaults,
    byEmoji: (emoji) => presets.find((preset) => preset.emoji === normaliseEmoji(emoji)),
    bySlackName: (name) => presets.find((preset) => preset.slackName === name.replace(/^:|:$/g, '')),
    byName: (name) => presets.find((preset) => preset.name === name),
    list: () => [...presets],
  };
}
