import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withConfigTable } from '../../src/config/docs.js';
import { REPO_ROOT } from '../../src/config/paths.js';
import { eachSetting } from '../../src/config/settings.js';

describe("the README's configuration table", () => {
  it('is the one the settings table generates (run `npm run config:docs` after changing a setting)', async () => {
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(withConfigTable(readme), 'README.md is out of date: run `npm run config:docs`').toBe(readme);
  });

  it('has one row per setting', async () => {
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
    for (const [, setting] of eachSetting()) expect(readme).toContain(`| \`${setting.env}\` |`);
  });
});
