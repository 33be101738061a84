import { readDefaults, valueAt } from './load.js';
import { eachSetting, type Setting } from './settings.js';

/** The README's configuration table sits between these two lines. */
export const TABLE_START = '<!-- config-table: generated from src/config/settings.ts by `npm run config:docs` -->';
export const TABLE_END = '<!-- config-table: end -->';

function code(value: unknown): string {
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

function shownDefault(setting: Setting<unknown>, value: unknown): string {
  if (setting.secret) return '–';
  if (value === null || value === undefined) return setting.unset ?? '–';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(code).join(', ');
  return code(value);
}

function row(cells: readonly string[]): string {
  return `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;
}

/** Every setting as a Markdown table: variable, key, default (from config/default.json), what is allowed, help. */
export function configTable(): string {
  const defaults = readDefaults();
  const rows = [...eachSetting()].map(([key, setting]) =>
    row([
      code(setting.env),
      setting.secret ? 'environment only' : code(key),
      shownDefault(setting, valueAt(defaults, key)?.value),
      setting.secret ? '–' : setting.rule.allowed,
      setting.help,
    ]),
  );
  const header = [row(['variable', 'key in a file', 'default', 'allowed', 'meaning']), '|---|---|---|---|---|'];
  return [...header, ...rows].join('\n');
}

/** `readme` with the text between the markers replaced by the current table. */
export function withConfigTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start === -1 || end < start) throw new Error(`README.md must hold the lines ${TABLE_START} and ${TABLE_END}.`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${configTable()}\n${readme.slice(end)}`;
}
