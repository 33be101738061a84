import { expect, test } from 'vitest';
import { UserError } from '../../src/errors.js';
import { parseStylizeCommand } from '../../src/slack/command-text.js';

test.each([
  ['', { kind: 'paint', preset: undefined, options: {} }],
  ['  Cancel ', { kind: 'cancel' }],
  ['ocean', { kind: 'paint', preset: 'ocean', options: {} }],
  [':ocean: iterations=50', { kind: 'paint', preset: 'ocean', options: { iterations: '50' } }],
  [
    'preset=great_wave style_weight="0.002"\u00a0size=256',
    { kind: 'paint', preset: 'great_wave', options: { styleWeight: '0.002', size: '256' } },
  ],
  ['cancel iterations=5', { kind: 'paint', preset: 'cancel', options: { iterations: '5' } }],
])('reads %j', (text, expected) => {
  expect(parseStylizeCommand(text)).toEqual(expected);
});

test.each([
  ['ocean scream', 'I can use one preset at a time; you named "ocean" and "scream".'],
  ['preset=ocean milky_way', 'I can use one preset at a time; you named "ocean" and "milky_way".'],
  ['iterations=', 'Settings look like `key=value`, e.g. `iterations=50`; "iterations=" is missing a side.'],
  ['=5', 'Settings look like `key=value`, e.g. `iterations=50`; "=5" is missing a side.'],
])('refuses %j', (text, message) => {
  expect(() => parseStylizeCommand(text)).toThrow(new UserError('bad-command', message));
});
