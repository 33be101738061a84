import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withConfigTable } from './docs.js';
import { REPO_ROOT } from './paths.js';

/** `npm run config:docs`: rewrites the README's configuration table from the settings table. */
const file = join(REPO_ROOT, 'README.md');
const readme = await readFile(file, 'utf8');
const updated = withConfigTable(readme);
if (updated === readme) console.log('README.md: the configuration table is up to date.');
else {
  await writeFile(file, updated);
  console.log('README.md: configuration table rewritten.');
}
