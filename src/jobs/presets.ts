import { inputSides, paintedSide } from './fetch-image.js';
import { readFile } from 'node:fs/promises';
import { openAssetFolder, type AssetsSource } from '../assets/index.js';
import { isNetworkId, NETWORK_IDS, type NetworkId } from '../engine/feedforward/shipped-networks.js';
import { DEFAULT_OPTIONS } from '../engine/options.js';
import type { RgbImage, StyleLayer, StylizeOptions } from '../engine/types.js';
import { isLayerName } from '../engine/vgg19.js';
import { ConfigError, UserError } from '../errors.js';
import { decodeImage } from '../images/decode.js';
import type { ImageLimits } from '../images/limits.js';
import { canonicalKey, findOption, resolveOptions, type OptionLimits } from '../options/index.js';
import type { GatysJobSpec, JobRequester, JobSpec, NetworkJobSpec } from './job.js';
import type { JobQueue, Reservation } from './queue.js';
import { recipeFor, type Recipe } from './recipe.js';

/**
 * The presets catalogue (config/presets.json): ready-made styles, each asked for by name, by its emoji as a
 * reaction, or from a list. A preset has a feed-forward style network (one pass, well under a second), a painting
 * with Gatys settings tuned for it (minutes, but any photo size and every option), or both.
 */

/** A painting in the assets and the Gatys settings tuned for it. */
export interface Painting {
  /** The image, a path in the assets, e.g. "images/styles/hokusai_great_wave.jpg". */
  readonly image: string;
  readonly title: string;
  readonly artist: string;
  /** As a museum writes it: "1889", "c. 1831". */
  readonly year: string;
  /** Its user-level settings as written in the file; all accepted by resolveOptions. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Complete settings (the file's defaults, then the painting's own); the base for a member's options. */
  readonly base: StylizeOptions;
  load(): Promise<RgbImage>;
}

export interface Preset {
  /** What people type and menus send, e.g. "wave" (`/stylize preset=wave`, `easel preset wave`). */
  readonly id: string;
  /** What people read, e.g. "The Great Wave". */
  readonly name: string;
  /** Its Discord emoji as written: unicode ("🌊") or a server's custom emoji ("<:wave:123456789012345678>"). */
  readonly emoji: string;
  /** Slack's name for its emoji, e.g. "ocean". */
  readonly slackName: string;
  /** The style network a reaction uses, when it has one. */
  readonly network?: NetworkId;
  /** The painting and its Gatys settings, when it has one. */
  readonly painting?: Painting;
  /**
   * Who made the style: "The Great Wave off Kanagawa, Katsushika Hokusai, c. 1831", or for a network whose
   * painting is not shipped, "style network trained on a painting by Francis Picabia (Udnie, 1913)".
   */
  readonly credit: string;
}

export interface PresetCatalog {
  /** Settings for jobs without a preset. */
  readonly defaults: StylizeOptions;
  /** The photo the gallery (`/presets`) shows every preset applied to, as loaded at start-up. */
  galleryPhoto(): Promise<RgbImage>;
  byId(id: string): Preset | undefined;
  /** By a Discord emoji: unicode (with or without variation selectors), a custom one as written, or its id. */
  byEmoji(emoji: string): Preset | undefined;
  /** By Slack emoji name, with or without colons. */
  bySlackName(name: string): Preset | undefined;
  /** By anything a person might type for one: its id, Slack name (with or without colons), emoji, or name. */
  find(typed: string): Preset | undefined;
  /** The networks the presets use, for loading them before the first reaction. */
  networks(): NetworkId[];
  list(): Preset[];
}

export interface PresetSources {
  /** The presets file, e.g. config/presets.json. */
  readonly file: string;
  /** Where paintings and the gallery photo are read from: a folder or URL laid out like ../shared. */
  readonly assets: AssetsSource;
  readonly optionLimits: OptionLimits;
  readonly imageLimits: ImageLimits;
}

/** Engine settings a painting may tune that members may not; resolveOptions does not take them. */
interface Tuning {
  contentLayer?: StylizeOptions['contentLayer'];
  styleLayers?: StylizeOptions['styleLayers'];
}

const FILE_KEYS = ['defaults', 'gallery', 'presets'];
const PRESET_KEYS = ['name', 'emoji', 'slack', 'network', 'painting', 'trainedOn'];
const PAINTING_KEYS = ['image', 'title', 'artist', 'year', 'options'];
const TRAINED_ON_KEYS = ['title', 'artist', 'year'];
const GALLERY_KEYS = ['photo'];

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shown(value: unknown): string {
  return JSON.stringify(value) ?? 'nothing';
}

/** Where in the file something is, for messages: `Presets file config/presets.json, preset "wave"`. */
class Place {
  constructor(readonly where: string) {}

  /** A mistake in `field` here: one line naming the file, the preset and the field. */
  error(field: string, problem: string): ConfigError {
    return new ConfigError(`${this.where}: "${field}" ${problem}`);
  }

  /** An object with no keys but `allowed`; `field` undefined is the thing this place names itself. */
  object(value: unknown, field: string | undefined, allowed: readonly string[], example: string): JsonObject {
    if (!isObject(value)) {
      const problem = `must be an object like ${example}; got ${shown(value)}.`;
      throw field === undefined ? new ConfigError(`${this.where} ${problem}`) : this.error(field, problem);
    }
    const stray = Object.keys(value).find((key) => !allowed.includes(key));
    if (stray !== undefined) {
      const where = field === undefined ? stray : `${field}.${stray}`;
      throw this.error(where, `is not a key here; the keys are ${allowed.join(', ')}.`);
    }
    return value;
  }

  text(value: unknown, field: string, pattern: RegExp, example: string): string {
    if (typeof value !== 'string' || !pattern.test(value)) {
      throw this.error(field, `must be ${example}; got ${shown(value)}.`);
    }
    return value;
  }
}

const SHORT_TEXT = /^\S(.{0,78}\S)?$/u;
const PRESET_ID = /^[a-z0-9_]{1,32}$/;
const SLACK_NAME = /^[a-z0-9_+'-]{1,64}$/;
/** A Discord server's own emoji as it is written in a message: <:name:id>, or <a:name:id> when animated. */
const CUSTOM_EMOJI = /^<a?:([A-Za-z0-9_]{2,32}):(\d{15,21})>$/;
/** A path inside the assets: plain names, no "..", nothing absolute. */
const ASSET_PATH = /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/;

/** Variation selectors make "⛵" and "⛵️" different strings for the same emoji. */
function unicodeKey(emoji: string): string {
  return emoji.replace(/\uFE0F/g, '');
}

/** The key a Discord emoji is looked up by: a custom emoji's id, or the unicode emoji without variation selectors. */
function emojiKey(emoji: string): string {
  return CUSTOM_EMOJI.exec(emoji)?.[2] ?? unicodeKey(emoji);
}

function isOneEmoji(text: string): boolean {
  const graphemes = [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)];
  return graphemes.length === 1 && /\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(text);
}

function parseStyleLayers(value: unknown, place: Place, field: string): StyleLayer[] {
  const entries = Array.isArray(value) ? value : [];
  const layers = entries.map((entry: unknown): StyleLayer | undefined => {
    const { layer, weight } = isObject(entry) ? entry : { layer: entry, weight: 1 };
    const valid = typeof layer === 'string' && isLayerName(layer) && typeof weight === 'number' && weight > 0;
    return valid ? { layer, weight } : undefined;
  });
  if (layers.length === 0 || layers.some((layer) => layer === undefined)) {
    const example = '"block1_conv1" or {"layer": "block1_conv1", "weight": 1}';
    throw place.error(field, `must be a list of VGG19 layers like ${example}.`);
  }
  return layers.filter((layer): layer is StyleLayer => layer !== undefined);
}

/**
 * Settings as the file writes them (any key style) on top of `base`: members' options through the one option schema,
 * and the layers, which only the file may tune.
 */
function settle(value: unknown, place: Place, field: string, limits: OptionLimits, base: StylizeOptions) {
  if (value === undefined) return { user: {}, options: base };
  if (!isObject(value)) {
    throw place.error(field, `must be an object like {"style_weight": 0.002}; got ${shown(value)}.`);
  }
  const user: JsonObject = {};
  const tuning: Tuning = {};
  for (const [key, raw] of Object.entries(value)) {
    switch (canonicalKey(key)) {
      case 'contentlayer':
        if (typeof raw !== 'string' || !isLayerName(raw)) {
          throw place.error(`${field}.${key}`, `must be a VGG19 layer like "block4_conv2"; got ${shown(raw)}.`);
        }
        tuning.contentLayer = raw;
        break;
      case 'stylelayers':
        tuning.styleLayers = parseStyleLayers(raw, place, `${field}.${key}`);
        break;
      default:
        user[key] = raw;
    }
  }
  try {
    return { user, options: { ...resolveOptions(user, limits, base), ...tuning } };
  } catch (err) {
    if (err instanceof UserError) throw new ConfigError(`${place.where}: "${field}": ${err.message}`);
    throw err;
  }
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

/** Reads and decodes one image of the assets (a folder or a URL), at start-up, so a broken one stops the bot. */
async function loadAssetImage(sources: PresetSources, value: unknown, place: Place, field: string): Promise<RgbImage> {
  const example = 'a path inside the assets folder, like "images/styles/monet_poppies.png"';
  const asset = place.text(value, field, ASSET_PATH, example);
  const slash = asset.lastIndexOf('/');
  const [folder, file] = [asset.slice(0, slash), asset.slice(slash + 1)];
  try {
    const store = await openAssetFolder(sources.assets, folder, file, 'preset image', {});
    const bytes = await store.read(file, { length: { min: 1, max: sources.imageLimits.maxBytes } });
    // No job scales a style above the largest output side, so neither is the shared copy kept for every job.
    return await decodeImage(bytes, sources.imageLimits, { what: 'image', maxSide: sources.optionLimits.maxSize });
  } catch (err) {
    if (err instanceof UserError) throw new ConfigError(`${place.where}: "${field}" (${asset}): ${err.message}`);
    throw err;
  }
}

function credit(painting: Painting | undefined, trainedOn: JsonObject | undefined): string {
  if (painting) return `${painting.title}, ${painting.artist}, ${painting.year}`;
  const { title, artist, year } = (trainedOn ?? {}) as { title?: string; artist?: string; year?: string };
  const work = [title, year].filter((part) => part !== undefined).join(', ');
  const by = artist === undefined ? 'a painting its source does not name' : `a painting by ${artist}`;
  return `style network trained on ${by}${work === '' ? '' : ` (${work})`}`;
}

async function parsePainting(
  value: unknown,
  place: Place,
  sources: PresetSources,
  defaults: StylizeOptions,
): Promise<Painting> {
  const example = '{"image": "images/styles/…", "title": "…", "artist": "…", "year": "1889"}';
  const entry = place.object(value, 'painting', PAINTING_KEYS, example);
  const title = place.text(entry.title, 'painting.title', SHORT_TEXT, 'the painting\'s title, like "The Starry Night"');
  const artist = place.text(entry.artist, 'painting.artist', SHORT_TEXT, 'who painted it, like "Vincent van Gogh"');
  const year = place.text(entry.year, 'painting.year', /^\S.{0,19}$/u, 'a year as text, like "1889" or "c. 1831"');
  const { user, options } = settle(entry.options, place, 'painting.options', sources.optionLimits, defaults);
  const image = await loadAssetImage(sources, entry.image, place, 'painting.image');
  return {
    image: entry.image as string,
    title,
    artist,
    year,
    options: user,
    base: options,
    load: () => Promise.resolve(image),
  };
}

function parseTrainedOn(value: unknown, place: Place): JsonObject {
  const example = '{"title": "Udnie", "artist": "Francis Picabia", "year": "1913"}';
  const entry = place.object(value, 'trainedOn', TRAINED_ON_KEYS, example);
  for (const key of TRAINED_ON_KEYS) {
    if (entry[key] !== undefined) place.text(entry[key], `trainedOn.${key}`, SHORT_TEXT, 'a short text');
  }
  return entry;
}

async function parsePreset(
  id: string,
  value: unknown,
  fileWhere: string,
  sources: PresetSources,
  defaults: StylizeOptions,
): Promise<Preset> {
  const place = new Place(`${fileWhere}, preset "${id}"`);
  if (!PRESET_ID.test(id)) {
    const rule = 'must be lowercase letters, digits and _, like "starry_night"';
    throw new ConfigError(`${fileWhere}: the preset id "${id}" ${rule}.`);
  }
  const example = '{"name": "…", "emoji": "🌊", "slack": "ocean", "network": "wave"}';
  const entry = place.object(value, undefined, PRESET_KEYS, example);
  const shortName = 'a short name of at most 40 characters, like "The Great Wave"';
  const name = place.text(entry.name, 'name', /^\S(.{0,38}\S)?$/u, shortName);
  const oneEmoji = 'one emoji like "🌊", or a Discord server\'s own like "<:wave:123456789012345678>"';
  const emoji = place.text(entry.emoji, 'emoji', /\S/, oneEmoji);
  if (!CUSTOM_EMOJI.test(emoji) && !isOneEmoji(emoji)) {
    throw place.error('emoji', `must be ${oneEmoji}; got ${shown(emoji)}.`);
  }
  const slackName = place.text(entry.slack, 'slack', SLACK_NAME, 'a Slack emoji name without colons, like "ocean"');
  let network: NetworkId | undefined;
  if (entry.network !== undefined) {
    if (typeof entry.network !== 'string' || !isNetworkId(entry.network)) {
      const networks = NETWORK_IDS.join(', ');
      throw place.error('network', `must be one of the style networks ${networks}; got ${shown(entry.network)}.`);
    }
    network = entry.network;
  }
  const painting =
    entry.painting === undefined ? undefined : await parsePainting(entry.painting, place, sources, defaults);
  if (!network && !painting) {
    throw place.error('network', 'or "painting" is needed: a preset paints with one, or both.');
  }
  if (painting && entry.trainedOn !== undefined) {
    const why = "the painting's title, artist and year credit it";
    throw place.error('trainedOn', `is only for presets without a painting; ${why}.`);
  }
  if (!painting && entry.trainedOn === undefined) {
    const why = 'to credit the painting the network learned from: {"artist": "…"}';
    throw place.error('trainedOn', `is needed without a painting, ${why}.`);
  }
  const trainedOn = entry.trainedOn === undefined ? undefined : parseTrainedOn(entry.trainedOn, place);
  return { id, name, emoji, slackName, network, painting, credit: credit(painting, trainedOn) };
}

/** No two presets may answer to the same emoji, Slack name, display name, or word a person might type. */
function refuseClashes(presets: readonly Preset[], fileWhere: string): void {
  const claims: Array<[string, (preset: Preset) => readonly string[]]> = [
    ['emoji', (preset) => [emojiKey(preset.emoji)]],
    ['slack', (preset) => [preset.slackName]],
    ['name', (preset) => [preset.name.toLowerCase()]],
  ];
  for (const [field, keys] of claims) {
    const owner = new Map<string, Preset>();
    for (const preset of presets) {
      for (const key of keys(preset)) {
        const other = owner.get(key);
        if (other) {
          const value = field === 'emoji' ? preset.emoji : field === 'slack' ? preset.slackName : preset.name;
          const clash = `"${field}" ${shown(value)} is also preset "${other.id}"'s`;
          throw new ConfigError(`${fileWhere}, preset "${preset.id}": ${clash}.`);
        }
        owner.set(key, preset);
      }
    }
  }
  // `/stylize preset=…` takes an id or a Slack name, so each word may name one preset only.
  for (const preset of presets) {
    const other = presets.find((candidate) => candidate !== preset && candidate.id === preset.slackName);
    if (other) {
      const clash = `"slack" ${shown(preset.slackName)} is preset "${other.id}"'s id`;
      throw new ConfigError(`${fileWhere}, preset "${preset.id}": ${clash}.`);
    }
  }
}

/**
 * Reads and checks the presets file once, at start-up: every preset's fields, its network's name, its painting's
 * settings and image, and the gallery photo. Throws one ConfigError naming the preset and the field at fault.
 */
export async function loadPresets(sources: PresetSources): Promise<PresetCatalog> {
  const fileWhere = `Presets file ${sources.file}`;
  const top = new Place(fileWhere);
  const file = top.object(await readJson(sources.file), undefined, FILE_KEYS, '{"defaults": {…}, "presets": {…}}');
  const defaults = settle(file.defaults, top, 'defaults', sources.optionLimits, DEFAULT_OPTIONS).options;
  const gallery = top.object(file.gallery, 'gallery', GALLERY_KEYS, '{"photo": "images/content/tubingen.jpg"}');
  if (!isObject(file.presets) || Object.keys(file.presets).length === 0) {
    throw top.error('presets', `must be an object of presets by id, like {"wave": {"name": "The Great Wave", …}}.`);
  }
  const entries = Object.entries(file.presets);
  const [photo, all] = await Promise.all([
    loadAssetImage(sources, gallery.photo, top, 'gallery.photo'),
    Promise.all(entries.map(([id, entry]) => parsePreset(id, entry, fileWhere, sources, defaults))),
  ]);
  refuseClashes(all, fileWhere);

  const bySlackName = (name: string): Preset | undefined => {
    const bare = name.replace(/^:|:$/g, '');
    return all.find((preset) => preset.slackName === bare);
  };
  const byId = (id: string): Preset | undefined => all.find((preset) => preset.id === id);
  return {
    defaults,
    galleryPhoto: () => Promise.resolve(photo),
    byId,
    byEmoji: (emoji) => {
      const key = emojiKey(emoji);
      return all.find((preset) => emojiKey(preset.emoji) === key);
    },
    bySlackName,
    find: (typed) => {
      const word = typed.trim().toLowerCase();
      const key = emojiKey(typed.trim());
      return (
        byId(word) ??
        bySlackName(word) ??
        all.find((preset) => emojiKey(preset.emoji) === key || preset.name.toLowerCase() === word)
      );
    },
    networks: () => [...new Set(all.flatMap((preset) => (preset.network ? [preset.network] : [])))],
    list: () => [...all],
  };
}

/** An emoji as plain text can show it: unicode as it is, a Discord server's own as `:name:`. */
export function emojiLabel(emoji: string): string {
  const custom = CUSTOM_EMOJI.exec(emoji);
  return custom ? `:${custom[1]}:` : emoji;
}

/**
 * The presets that what someone is typing could mean, for a menu of at most `limit`: those whose id, name or Slack
 * name starts with it first, then those that contain it, or whose emoji it is; nothing typed lists them all.
 */
export function suggestPresets(catalog: PresetCatalog, typed: string, limit: number): Preset[] {
  const query = typed.trim().toLowerCase();
  const words = (preset: Preset): string[] => [preset.id, preset.name.toLowerCase(), preset.slackName];
  const starts = (preset: Preset): boolean => words(preset).some((word) => word.startsWith(query));
  const contains = (preset: Preset): boolean =>
    words(preset).some((word) => word.includes(query)) || emojiKey(preset.emoji) === emojiKey(typed.trim());
  const all = catalog.list();
  return [...all.filter(starts), ...all.filter((preset) => !starts(preset) && contains(preset))].slice(0, limit);
}

/** How a preset paints one request: with its network, or with its painting and tuned settings. */
export type PresetPlan = (
  | { readonly kind: 'network'; readonly preset: Preset; readonly network: NetworkId; readonly size: number }
  | { readonly kind: 'gatys'; readonly preset: Preset; readonly painting: Painting; readonly options: StylizeOptions }
) & {
  /** What the member asked for, which the job keeps for its "made with" line and its remixes. */
  readonly recipe: Recipe;
};

/** The longest side the photo need be decoded at for `plan`: the network's output size, or the painting job's. */
export function presetContentSide(plan: PresetPlan, maxSide: number): number {
  return plan.kind === 'network' ? paintedSide(plan.size, maxSide) : inputSides(plan.options, maxSide).content;
}

/** Someone set options that only a painting takes on a preset that has only a network. */
export class NetworkOptionsError extends UserError {
  readonly #name: string;

  constructor(preset: Preset) {
    super('network-preset-options', `${preset.name} is a style network, so only \`size\` applies to it.`);
    this.#name = preset.name;
  }

  /** The message with `size` spelled the way a front end spells options, e.g. `--size` on the CLI. */
  messageFor(spell: (key: string) => string): string {
    return `${this.#name} is a style network, so only ${spell('size')} applies to it.`;
  }
}

/**
 * How `preset` paints a request with `asked` (a member's options by any key style; null or undefined means not
 * set). Its network, when it has one and nothing but `size` was asked for, as for every reaction; otherwise its
 * painting, with the member's options over the painting's tuned ones. Throws OptionError for a bad option, and
 * NetworkOptionsError for options a network-only preset cannot take.
 */
export function planPreset(
  preset: Preset,
  asked: Readonly<Record<string, unknown>>,
  limits: OptionLimits,
  defaults: StylizeOptions,
): PresetPlan {
  const set = Object.keys(asked).filter((key) => asked[key] !== undefined && asked[key] !== null);
  const onlySize = set.every((key) => findOption(key)?.key === 'size');
  if (preset.network && (onlySize || !preset.painting)) {
    const { size } = resolveOptions(asked, limits, defaults);
    if (!onlySize) throw new NetworkOptionsError(preset);
    return { kind: 'network', preset, network: preset.network, size, recipe: recipeFor(asked, limits, preset.id) };
  }
  // A preset without a network has a painting: loadPresets refuses one with neither.
  return paintingPlan(preset, preset.painting!, asked, limits);
}

/** How `preset` paints a request with its painting, even where it has a network too ("Paint it properly"). */
export function paintingPlan(
  preset: Preset,
  painting: Painting,
  asked: Readonly<Record<string, unknown>>,
  limits: OptionLimits,
): PresetPlan {
  const options = resolveOptions(asked, limits, painting.base);
  return { kind: 'gatys', preset, painting, options, recipe: recipeFor(asked, limits, preset.id) };
}

/** Holds the member's place in the plan's lane; throws the queue's UserErrors. */
export function reservePreset(queue: JobQueue, requester: JobRequester, plan: PresetPlan): Reservation {
  return plan.kind === 'network'
    ? queue.reserve(requester, undefined, 'network')
    : queue.reserve(requester, plan.options);
}

/** The job for a plan on `content`. A network's pass is sub-second, so it runs quietly: just the result. */
export async function presetJob(plan: PresetPlan, requester: JobRequester, content: RgbImage): Promise<JobSpec> {
  const { recipe } = plan;
  const label = plan.preset.name;
  if (plan.kind === 'network') {
    const { network: networkId, size } = plan;
    const spec: NetworkJobSpec = { kind: 'network', requester, content, label, networkId, size, quiet: true, recipe };
    return spec;
  }
  const styles = [await plan.painting.load()];
  const spec: GatysJobSpec = { kind: 'gatys', requester, content, label, styles, options: plan.options, recipe };
  return spec;
}
