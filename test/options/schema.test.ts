import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../src/engine/options.js';
import { INITS, OPTIMIZERS } from '../../src/engine/types.js';
import { OptionError, type OptionRule } from '../../src/errors.js';
import {
  choiceValues,
  DEFAULT_STRENGTH,
  findOption,
  OPTION_SCHEMA,
  optionsUpTo,
  parseSettings,
  resolveOptions,
  STRENGTH_RATIO,
  strengthFactor,
} from '../../src/options/index.js';
import type { OptionKey } from '../../src/options/index.js';

const LIMITS = { maxSize: 1024, maxIterations: 500 };

function refusal(input: Record<string, unknown>): OptionError {
  try {
    resolveOptions(input, LIMITS);
  } catch (err) {
    if (err instanceof OptionError) return err;
    throw err;
  }
  throw new Error(`${JSON.stringify(input)} was accepted`);
}

describe('the option schema', () => {
  it('describes each option once, with the engine default', () => {
    const keys = OPTION_SCHEMA.map((option) => option.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const option of OPTION_SCHEMA) {
      expect(option.default).toEqual(option.key === 'strength' ? DEFAULT_STRENGTH : DEFAULT_OPTIONS[option.key]);
    }
    expect(keys).not.toContain('contentLayer');
    expect(keys).not.toContain('styleLayers');
  });

  it("offers exactly the engine's own choices", () => {
    const choices = (key: OptionKey): readonly string[] => {
      const option = findOption(key);
      return option?.kind === 'choice' ? choiceValues(option) : [];
    };
    expect(choices('optimizer')).toEqual([...OPTIMIZERS]);
    expect(choices('init')).toEqual([...INITS]);
  });

  it('gives every option one short line of help, without a full stop', () => {
    for (const option of OPTION_SCHEMA) {
      expect(option.help).toMatch(/^[a-zA-Z'][^\n]*[^.\s]$/);
      // Discord's limit for a description.
      expect(option.help.length).toBeLessThanOrEqual(100);
    }
  });

  it('nests the levels: a front end that goes further offers everything a shorter one does', () => {
    const [essential, common, advanced] = (['essential', 'common', 'advanced'] as const).map(optionsUpTo);
    expect(essential!.map((o) => o.key)).toEqual(['strength', 'size', 'preserveColors']);
    // They lead the schema, so every menu and form starts with them.
    expect(OPTION_SCHEMA.slice(0, 3)).toEqual(essential);
    expect(common!.length).toBeGreaterThan(essential!.length);
    expect(common!.filter((o) => essential!.includes(o))).toEqual(essential);
    expect(advanced).toEqual(OPTION_SCHEMA);
  });

  it('finds an option by any case style', () => {
    for (const name of ['style_weight', 'styleWeight', 'style-weight', 'STYLE_WEIGHT']) {
      expect(findOption(name)?.key).toBe('styleWeight');
    }
    expect(findOption('content_layer')).toBeUndefined();
  });
});

describe('resolveOptions', () => {
  it('parses values given as text or as values, on top of the base', () => {
    const typed = { size: '256', iterations: 40, style_weight: '0.002', 'preserve-colors': 'yes', optimizer: 'ADAM' };
    const options = resolveOptions({ ...typed, styleBlend: '0.7, 0.3' }, LIMITS);
    expect(options).toMatchObject({ size: 256, iterations: 40, styleWeight: 0.002, preserveColors: true });
    expect(options).toMatchObject({ optimizer: 'adam', styleBlend: [0.7, 0.3] });
    expect(options.contentLayer).toBe(DEFAULT_OPTIONS.contentLayer);
    expect(resolveOptions({ size: null, seed: undefined }, LIMITS)).toEqual(DEFAULT_OPTIONS);
  });

  it('takes weights up to 1e6 and iterations up to the operator cap', () => {
    const most = { contentWeight: 1e6, styleWeight: 1e6, tvWeight: 1e6, iterations: 500 };
    expect(resolveOptions(most, LIMITS)).toMatchObject(most);
    expect(refusal({ styleWeight: 1e6 + 1 }).rule).toEqual({ kind: 'range', min: 0, max: 1e6 });
    expect(refusal({ iterations: 501 }).rule).toEqual({ kind: 'range', min: 1, max: 500 });
  });

  it.each<[Record<string, unknown>, string, OptionRule]>([
    [{ size: 5000 }, 'size', { kind: 'range', min: 32, max: 1024 }],
    [{ iterations: '1.5' }, 'iterations', { kind: 'integer' }],
    [{ style_weight: 'lots' }, 'styleWeight', { kind: 'type', expected: 'number' }],
    [{ preserve_colors: 'maybe' }, 'preserveColors', { kind: 'type', expected: 'yes-or-no' }],
    [{ optimizer: 'sgd' }, 'optimizer', { kind: 'choice', choices: ['lbfgs', 'adam'] }],
    [{ style_blend: '0,0' }, 'styleBlend', { kind: 'type', expected: 'list', example: '0.7,0.3' }],
    [{ content_layer: 'block1_conv1' }, 'content_layer', { kind: 'unknown', known: OPTION_SCHEMA.map((o) => o.key) }],
  ])('refuses %j naming the option and the rule it broke', (input, key, rule) => {
    const error = refusal(input);
    expect(error.key).toBe(key);
    expect(error.rule).toEqual(rule);
    expect(error.message).not.toMatch(/undefined|NaN/);
  });

  it("brings defaults above an operator's limit down to it", () => {
    expect(resolveOptions({}, { maxSize: 300, maxIterations: 50 })).toMatchObject({ size: 300, iterations: 50 });
  });
});

describe('strength', () => {
  const base = { ...DEFAULT_OPTIONS, styleWeight: 3 };

  it('scales the base style weight on a log scale, by one ratio per step around 5', () => {
    expect(resolveOptions({}, LIMITS, base).styleWeight).toBe(3);
    expect(resolveOptions({ strength: 5 }, LIMITS, base).styleWeight).toBe(3);
    expect(resolveOptions({ strength: 7 }, LIMITS, base).styleWeight).toBeCloseTo(3 * STRENGTH_RATIO ** 2);
    expect(resolveOptions({ strength: '1' }, LIMITS, base).styleWeight).toBeCloseTo(3 / STRENGTH_RATIO ** 4);
    // Relative, so it holds on any scale of weights: the old engine's 1e-4 as well as the new one's 3.
    const old = { ...DEFAULT_OPTIONS, styleWeight: 1e-4 };
    expect(resolveOptions({ strength: 10 }, LIMITS, old).styleWeight).toBeCloseTo(1e-4 * strengthFactor(10), 12);
    for (let s = 1; s < 10; s++) expect(strengthFactor(s + 1) / strengthFactor(s)).toBeCloseTo(STRENGTH_RATIO);
    expect(strengthFactor(DEFAULT_STRENGTH)).toBe(1);
  });

  it('with style_weight as well: the typed weight is the one at strength 5, and strength moves it from there', () => {
    expect(resolveOptions({ style_weight: 0.5 }, LIMITS, base).styleWeight).toBe(0.5);
    expect(resolveOptions({ style_weight: 0.5, strength: 6 }, LIMITS, base).styleWeight).toBeCloseTo(
      0.5 * STRENGTH_RATIO,
    );
    expect(resolveOptions({ strength: 6, style_weight: 0.5 }, LIMITS, base).styleWeight).toBeCloseTo(
      0.5 * STRENGTH_RATIO,
    );
  });

  it('takes whole numbers from 1 to 10 only, and touches nothing but the style weight', () => {
    expect(refusal({ strength: 11 }).rule).toEqual({ kind: 'range', min: 1, max: 10 });
    expect(refusal({ strength: 0 }).rule).toEqual({ kind: 'range', min: 1, max: 10 });
    expect(refusal({ strength: 2.5 }).rule).toEqual({ kind: 'integer' });
    const { styleWeight: _painted, ...rest } = resolveOptions({ strength: 9 }, LIMITS, base);
    const { styleWeight: _base, ...unchanged } = base;
    expect(rest).toEqual(unchanged);
  });

  it('is kept as parsed settings, by schema key, for a remix to change', () => {
    expect(parseSettings({ Strength: '7', keep: undefined, 'preserve-colors': 'yes' }, LIMITS)).toEqual({
      strength: 7,
      preserveColors: true,
    });
  });
});

describe('OptionError', () => {
  it('words the option as chat spells it, and as any other front end asks', () => {
    const error = refusal({ style_weight: 2e6 });
    const rest = 'must be between 0 and 1000000 (the raw style weight at strength 5; strength scales it); got 2000000.';
    expect(error.message).toBe(`\`style_weight\` ${rest}`);
    expect(error.messageFor((key) => `--${key}`)).toBe(`--styleWeight ${rest}`);
    const unknown = refusal({ colour: 'red' }).messageFor((key) => `<${key}>`);
    expect(unknown).toMatch(
      /^I don't know the option "colour"\. Options I understand: <strength>, <size>, <preserveColors>, <contentWeight>,/,
    );
  });

  it('words a bound that has no minimum, as the painter raises for its own size cap', () => {
    const help = 'the largest this server can paint';
    const error = new OptionError('size', { kind: 'range', max: 256 }, { given: 512, help });
    expect(error.message).toBe('`size` must be 256 or less (the largest this server can paint); got 512.');
    expect(error.code).toBe('bad-option');
  });
});
