import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withConfigTable } from '../src/config/docs.js';
import { REPO_ROOT } from '../src/config/paths.js';

/** `npm run config:docs`: rewrites the README's configuration table from the settings table. Not in the image. */
const file = join(REPO_ROOT, 'README.md');
const readme = await readFile(file, 'utf8');
const updated = withConfigTable(readme);
if (updated === readme) console.log('README.md: the configuration table is up to date.');
else {
  await writeFile(file, updated);
  console.log('README.md: configuration table rewritten.');
}
