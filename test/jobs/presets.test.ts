import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { REPO_ROOT } from '../../src/config/paths.js';
import { NETWORK_IDS } from '../../src/engine/feedforward/index.js';
import { DEFAULT_OPTIONS } from '../../src/engine/options.js';
import { ConfigError, OptionError } from '../../src/errors.js';
import { DEFAULT_IMAGE_LIMITS } from '../../src/images/limits.js';
import {
  loadPresets,
  NetworkOptionsError,
  planPreset,
  suggestPresets,
  type PresetCatalog,
  type PresetSources,
} from '../../src/jobs/presets.js';
import { SHARED } from '../support/engine.js';
import { serveDirectory } from '../support/static-server.js';

const optionLimits = { maxSize: 1024, maxIterations: 500 };
let dir: string;

function sources(file: string): PresetSources {
  return {
    file,
    assets: { location: SHARED, cacheDir: join(dir, 'cache') },
    optionLimits,
    imageLimits: DEFAULT_IMAGE_LIMITS,
  };
}

async function presetsFile(content: unknown): Promise<string> {
  const file = join(dir, `presets-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const gallery = { photo: 'images/content/kitten.jpg' };
const painting = {
  image: 'images/styles/hokusai_great_wave.jpg',
  title: 'The Great Wave off Kanagawa',
  artist: 'Katsushika Hokusai',
  year: 'c. 1831',
};
const wave = { name: 'The Great Wave', emoji: '🌊', slack: 'ocean', network: 'wave', painting };
const udnie = {
  name: 'Udnie',
  emoji: '💃',
  slack: 'dancer',
  network: 'udnie',
  trainedOn: { artist: 'Francis Picabia' },
};

function file(presets: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { defaults: {}, gallery, presets, ...extra };
}

async function loadError(content: unknown): Promise<Error> {
  const err = await loadPresets(sources(await presetsFile(content))).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  return err as Error;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'easel-presets-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the shipped catalogue', () => {
  let catalog: PresetCatalog;
  beforeAll(async () => {
    catalog = await loadPresets(sources(join(REPO_ROOT, 'config/presets.json')));
  });

  it('has every style network, the paintings, and one preset where a network and a painting match', () => {
    expect(catalog.networks().sort()).toEqual([...NETWORK_IDS].sort());
    const both = catalog.list().filter((preset) => preset.network && preset.painting);
    expect(both.map((preset) => [preset.network, preset.painting?.title])).toEqual([
      ['wave', 'The Great Wave off Kanagawa'],
      ['scream', 'The Scream'],
      ['wreck', 'The Shipwreck'],
    ]);
    const paintings = catalog.list().flatMap((preset) => (preset.painting ? [preset.painting.image] : []));
    expect(paintings).toHaveLength(7);
    expect(new Set(catalog.list().map((preset) => preset.emoji)).size).toBe(catalog.list().length);
  });

  it('credits each painting, and the painter of each network that came without one', () => {
    expect(catalog.byId('wave')?.credit).toBe('The Great Wave off Kanagawa, Katsushika Hokusai, c. 1831');
    expect(catalog.byId('udnie')?.credit).toBe('style network trained on a painting by Francis Picabia (Udnie, 1913)');
    expect(catalog.byId('mathura')?.credit).toBe('style network trained on a painting its source does not name');
  });

  it('finds a preset by id, Slack name, emoji (with or without variation selector) and name', () => {
    const ocean = catalog.byId('wave');
    expect(catalog.bySlackName(':ocean:')).toBe(ocean);
    expect(catalog.byEmoji('🌊')).toBe(ocean);
    expect(catalog.find('Ocean')).toBe(ocean);
    expect(catalog.find('the great wave')).toBe(ocean);
    expect(catalog.find('🌊')).toBe(ocean);
    expect(catalog.byEmoji('⛵️')).toBe(catalog.byEmoji('⛵'));
    expect(catalog.byEmoji('🦆')).toBeUndefined();
  });

  it('keeps each painting, decoded, with its tuned settings', async () => {
    const wavePainting = catalog.byId('wave')!.painting!;
    const image = await wavePainting.load();
    expect([image.width, image.height]).toEqual([650, 448]);
    // The defaults, with the painting's own options from the file (snake_case there) on top.
    const shipped = JSON.parse(await readFile(join(REPO_ROOT, 'config/presets.json'), 'utf8')) as {
      presets: { wave: { painting: { options: Record<string, number> } } };
    };
    const tuned = Object.entries(shipped.presets.wave.painting.options).map(([key, value]) => [
      key.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase()),
      value,
    ]);
    expect(tuned.length).toBeGreaterThan(0);
    expect(wavePainting.base).toEqual({ ...DEFAULT_OPTIONS, ...Object.fromEntries(tuned) });
    const photo = await catalog.galleryPhoto();
    expect(photo.width).toBeGreaterThan(0);
  });
});

describe('assets from a URL', () => {
  it('downloads the paintings and the gallery photo once into the cache, and refuses a missing one by name', async () => {
    const server = await serveDirectory(SHARED);
    try {
      const assets = { location: server.url, cacheDir: join(dir, 'url-cache') };
      const fromUrl = (file: string): PresetSources => ({ ...sources(file), assets });
      const content = file({ wave });
      const catalog = await loadPresets(fromUrl(await presetsFile(content)));
      const image = await catalog.byId('wave')!.painting!.load();
      expect([image.width, image.height]).toEqual([650, 448]);
      expect(server.requests.sort()).toEqual(['/images/content/kitten.jpg', '/images/styles/hokusai_great_wave.jpg']);
      await loadPresets(fromUrl(await presetsFile(content)));
      expect(server.requests).toHaveLength(2);

      const missing = file({ wave: { ...wave, painting: { ...painting, image: 'images/styles/nope.jpg' } } });
      const err = await loadPresets(fromUrl(await presetsFile(missing))).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toContain('preset "wave": "painting.image" (images/styles/nope.jpg)');
    } finally {
      await server.close();
    }
  });

  it('is what EASEL_ASSETS names when it is an http(s) URL; other schemes are refused', () => {
    const url = 'https://assets.example/shared/';
    expect(loadConfig({ EASEL_ASSETS: url }).presets.assets.location).toBe(url);
    expect(loadConfig({ EASEL_ASSETS: 'shared' }).presets.assets.location).toBe(join(REPO_ROOT, 'shared'));
    const refused = /EASEL_ASSETS \(presets.assets\) must be a path or an http\(s\) URL/;
    expect(() => loadConfig({ EASEL_ASSETS: 'ftp://assets.example/' })).toThrow(refused);
  });
});

describe('planPreset', () => {
  let catalog: PresetCatalog;
  beforeAll(async () => {
    catalog = await loadPresets(sources(await presetsFile(file({ wave, udnie }, { defaults: { size: 320 } }))));
  });
  const plan = (id: string, asked: Record<string, unknown>) =>
    planPreset(catalog.byId(id)!, asked, optionLimits, catalog.defaults);

  it('uses the network when nothing, or only a size, is asked for', () => {
    expect(plan('wave', {})).toMatchObject({ kind: 'network', network: 'wave', size: 320 });
    expect(plan('wave', { size: 128, iterations: null })).toMatchObject({ kind: 'network', size: 128 });
  });

  it("paints the painting, with the member's options over its own, when they ask for more", () => {
    const painted = plan('wave', { style_weight: 0.5 });
    expect(painted).toMatchObject({ kind: 'gatys', options: { styleWeight: 0.5, size: 320 } });
  });

  it('refuses options a network-only preset cannot take, and bad options, by name', () => {
    expect(() => plan('udnie', { iterations: 50 })).toThrow(NetworkOptionsError);
    expect(() => plan('udnie', { size: 5000 })).toThrow(OptionError);
    expect(() => plan('wave', { brush: 3 })).toThrow(OptionError);
  });

  it('suggests presets for what is typed: prefixes first, then any match; everything for nothing typed', () => {
    expect(suggestPresets(catalog, '', 25).map((preset) => preset.id)).toEqual(['wave', 'udnie']);
    expect(suggestPresets(catalog, 'DAN', 25).map((preset) => preset.id)).toEqual(['udnie']);
    expect(suggestPresets(catalog, 'wave', 25).map((preset) => preset.id)).toEqual(['wave']);
    expect(suggestPresets(catalog, '💃', 25).map((preset) => preset.id)).toEqual(['udnie']);
    expect(suggestPresets(catalog, 'e', 1)).toHaveLength(1);
  });

  it("knows a Discord server's own emoji by its id too", async () => {
    const custom = { ...udnie, emoji: '<:dance:123456789012345678>' };
    const withCustom = await loadPresets(sources(await presetsFile(file({ udnie: custom }))));
    expect(withCustom.byEmoji('123456789012345678')?.id).toBe('udnie');
    expect(withCustom.byEmoji('<:dance:123456789012345678>')?.id).toBe('udnie');
  });
});

describe('loadPresets refuses a broken catalogue with one error naming the preset and the field', () => {
  it.each([
    ['an unknown key', { wave: { ...wave, colour: 'blue' } }, 'preset "wave": "colour" is not a key here'],
    ['a bad id', { 'Great Wave': wave }, 'the preset id "Great Wave" must be lowercase'],
    ['no name', { wave: { ...wave, name: undefined } }, 'preset "wave": "name" must be a short name'],
    ['an emoji that is text', { wave: { ...wave, emoji: 'wave' } }, 'preset "wave": "emoji" must be one emoji'],
    ['two emoji', { wave: { ...wave, emoji: '🌊🌊' } }, 'preset "wave": "emoji" must be one emoji'],
    [
      'a Slack name with colons',
      { wave: { ...wave, slack: ':ocean:' } },
      'preset "wave": "slack" must be a Slack emoji name',
    ],
    [
      'an unknown network',
      { wave: { ...wave, network: 'starry' } },
      'preset "wave": "network" must be one of the style networks',
    ],
    [
      'neither network nor painting',
      { wave: { name: 'W', emoji: '🌊', slack: 'ocean' } },
      'preset "wave": "network" or "painting" is needed',
    ],
    [
      'a painting without a title',
      { wave: { ...wave, painting: { ...painting, title: '' } } },
      'preset "wave": "painting.title" must be',
    ],
    [
      'a painting without a year',
      { wave: { ...wave, painting: { ...painting, year: undefined } } },
      'preset "wave": "painting.year" must be',
    ],
    [
      'a missing painting file',
      { wave: { ...wave, painting: { ...painting, image: 'images/styles/nope.jpg' } } },
      'preset "wave": "painting.image" (images/styles/nope.jpg)',
    ],
    [
      'a path outside the assets',
      { wave: { ...wave, painting: { ...painting, image: '../etc/passwd' } } },
      'preset "wave": "painting.image" must be a path inside',
    ],
    [
      'an out-of-range option',
      { wave: { ...wave, painting: { ...painting, options: { iterations: 100000 } } } },
      'preset "wave": "painting.options": `iterations` must be between 1 and 500',
    ],
    [
      'an unknown option',
      { wave: { ...wave, painting: { ...painting, options: { brush: 3 } } } },
      'preset "wave": "painting.options": I don\'t know the option "brush"',
    ],
    [
      'a bad layer',
      { wave: { ...wave, painting: { ...painting, options: { content_layer: 'conv9' } } } },
      'preset "wave": "painting.options.content_layer" must be a VGG19 layer',
    ],
    [
      'a network without credit',
      { udnie: { ...udnie, trainedOn: undefined } },
      'preset "udnie": "trainedOn" is needed',
    ],
    [
      'credit beside a painting',
      { wave: { ...wave, trainedOn: { artist: 'Hokusai' } } },
      'preset "wave": "trainedOn" is only for presets without a painting',
    ],
    [
      'a shared emoji',
      { wave, udnie: { ...udnie, emoji: '🌊️' } },
      'preset "udnie": "emoji" "🌊️" is also preset "wave"\'s',
    ],
    [
      'a shared Slack name',
      { wave, udnie: { ...udnie, slack: 'ocean' } },
      'preset "udnie": "slack" "ocean" is also preset "wave"\'s',
    ],
    [
      'a shared name',
      { wave, udnie: { ...udnie, name: 'the great wave' } },
      'preset "udnie": "name" "the great wave" is also preset "wave"\'s',
    ],
    [
      'a Slack name that is another id',
      { wave, udnie: { ...udnie, slack: 'wave' } },
      'preset "udnie": "slack" "wave" is preset "wave"\'s id',
    ],
  ])('%s', async (_case, presets, message) => {
    const err = await loadError(file(presets));
    expect(err.message).toContain(message);
    expect(err.message).toContain('Presets file ');
    expect(err.message).not.toMatch(/undefined|\n/);
  });

  it.each([
    ['a stray top-level key', file({ wave }, { extras: {} }), '"extras" is not a key here'],
    ['no presets', file({}), '"presets" must be an object of presets by id'],
    ['no gallery photo', { presets: { wave } }, '"gallery" must be an object'],
    [
      'a missing gallery photo',
      file({ wave }, { gallery: { photo: 'images/content/nope.jpg' } }),
      '"gallery.photo" (images/content/nope.jpg)',
    ],
    ['a bad default', file({ wave }, { defaults: { size: 'big' } }), '"defaults": `size` needs a number'],
    [
      'the retired preview_every',
      file({ wave }, { defaults: { preview_every: 5 } }),
      'I don\'t know the option "preview_every"',
    ],
  ])('%s', async (_case, content, message) => {
    expect((await loadError(content)).message).toContain(message);
  });

  it('says clearly when the file is missing or not JSON', async () => {
    await expect(loadPresets(sources(join(dir, 'missing.json')))).rejects.toThrow("I can't read the presets file");
    await expect(loadPresets(sources(await presetsFile('{ nope')))).rejects.toThrow('is not valid JSON');
  });
});
