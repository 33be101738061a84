import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../../src/config/paths.js';
import { ConfigError } from '../../src/config/env.js';
import { DEFAULT_OPTIONS } from '../../src/engine/options.js';
import { DEFAULT_IMAGE_LIMITS } from '../../src/images/limits.js';
import { loadPresets, type PresetSources } from '../../src/jobs/presets.js';

const assetsRoot = fileURLToPath(new URL('../../../shared/', import.meta.url));
const optionLimits = { maxSize: 1024, maxIterations: 500 };
let dir: string;

function sources(file: string): PresetSources {
  return { file, assetsRoot, optionLimits, imageLimits: DEFAULT_IMAGE_LIMITS };
}

async function presetsFile(content: unknown): Promise<string> {
  const file = join(dir, `presets-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const wave = { name: 'great_wave', title: 'The Great Wave', slack: 'ocean', style: 'images/styles/hokusai_great_wave.jpg' };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'easel-presets-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadPresets', () => {
  it('loads the shipped presets, each with a readable style image', async () => {
    const catalog = await loadPresets(sources(join(REPO_ROOT, 'config/presets.json')));
    const names = catalog.list().map((preset) => preset.slackName);
    expect(names).toEqual(expect.arrayContaining(['ocean', 'milky_way', 'scream', 'ear_of_rice', 'hibiscus', 'sailboat', 'tophat']));
    const ocean = catalog.byEmoji('🌊');
    expect(ocean?.style).toBe('images/styles/hokusai_great_wave.jpg');
    expect(catalog.bySlackName(':ocean:')).toBe(ocean);
    expect(catalog.byName('great_wave')).toBe(ocean);
    // The same emoji with and without the emoji presentation selector.
    expect(catalog.byEmoji('⛵️')).toBe(catalog.byEmoji('⛵'));
    expect(catalog.byEmoji('🦆')).toBeUndefined();
    const style = await ocean!.loadStyle();
    expect([style.width, style.height]).toEqual([650, 448]);
  });

  it('resolves defaults and preset options, including engine-only tuning', async () => {
    const file = await presetsFile({
      defaults: { size: 48, iterations: 3, content_layer: 'block2_conv2', style_layers: ['block1_conv1', 'block2_conv1'] },
      presets: { '🌊': { ...wave, options: { style_weight: 0.5, preview_every: 1 } } },
    });
    const catalog = await loadPresets(sources(file));
    expect(catalog.defaults).toMatchObject({ size: 48, iterations: 3, contentLayer: 'block2_conv2', optimizer: DEFAULT_OPTIONS.optimizer });
    expect(catalog.defaults.styleLayers).toEqual([
      { layer: 'block1_conv1', weight: 1 },
      { layer: 'block2_conv1', weight: 1 },
    ]);
    const preset = catalog.byEmoji('🌊')!;
    expect(preset.base).toMatchObject({ size: 48, styleWeight: 0.5, previewEvery: 1, contentLayer: 'block2_conv2' });
    expect(preset.options).toEqual({ style_weight: 0.5 });
  });

  it.each([
    ['an unknown key', { presets: { '🌊': { ...wave, colour: 'blue' } } }, 'Preset 🌊 (great_wave): unknown key "colour"'],
    ['a missing style file', { presets: { '🌊': { ...wave, style: 'images/styles/nope.jpg' } } }, 'Preset 🌊 (great_wave): the style image'],
    ['a path outside the assets', { presets: { '🌊': { ...wave, style: '../etc/passwd' } } }, 'Preset 🌊 (great_wave): "style" must be a path inside'],
    ['an out-of-range option', { presets: { '🌊': { ...wave, options: { iterations: 100000 } } } }, 'Preset 🌊 (great_wave): `iterations` must be between 1 and 500'],
    ['an unknown option', { presets: { '🌊': { ...wave, options: { brush: 3 } } } }, 'Preset 🌊 (great_wave): I don\'t know the option "brush"'],
    ['a bad layer', { presets: { '🌊': { ...wave, options: { content_layer: 'conv9' } } } }, 'Preset 🌊 (great_wave): content_layer must be a VGG19 layer'],
    ['a key that is not an emoji', { presets: { wave: wave } }, 'Preset wave (great_wave): the key must be one emoji'],
    ['a duplicate Slack name', { presets: { '🌊': wave, '🌌': { ...wave, name: 'other' } } }, 'same slackName "ocean"'],
    ['a stray top-level key', { presets: {}, extras: {} }, 'unknown key "extras"'],
  ])('names the preset at fault for %s', async (_case, content, message) => {
    const err = await loadPresets(sources(await presetsFile(content))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(message);
  });

  it('says clearly when the file is missing or not JSON', async () => {
    await expect(loadPresets(sources(join(dir, 'missing.json')))).rejects.toThrow("I can't read the presets file");
    await expect(loadPresets(sources(await presetsFile('{ nope')))).rejects.toThrow('is not valid JSON');
  });
});
