import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEngineConfig } from '../../src/config/engine.js';
import { DEFAULT_VGG19_URL, KNOWN_SHA256, SHARED_VGG19_SHA256 } from '../../src/engine/weights/known-sources.js';
import { SHARED, SHARED_VGG19 } from '../support/engine.js';

/** Issue 8, part 6: the default weights come from one fixed commit, and their sums are those of the manifest. */

interface SourceRow {
  readonly repo: string;
  readonly path: string;
  readonly commit: string;
  readonly sha256: string;
}

/** The "Source files whose bytes went into the weights" rows of shared/models/MANIFEST.md. */
async function manifestSources(): Promise<SourceRow[]> {
  const text = await readFile(join(SHARED, 'models/MANIFEST.md'), 'utf8');
  return [...text.matchAll(/^\| ([\w-]+\/[\w.-]+) \| (\S+) \| ([0-9a-f]{40}) \| [^|]+ \| `([0-9a-f]{64})` \|/gm)].map(
    ([, repo = '', path = '', commit = '', sha256 = '']) => ({ repo, path, commit, sha256 }),
  );
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('the default VGG19 source', () => {
  it('is pinned to the commit the manifest read, with the sums the manifest gives', async () => {
    const rows = (await manifestSources()).filter((row) => DEFAULT_VGG19_URL.includes(`/${row.repo}/`));
    expect(rows.length).toBeGreaterThan(0);
    const commits = new Set(rows.map((row) => row.commit));
    expect(commits.size).toBe(1);
    const [commit] = commits;
    expect(DEFAULT_VGG19_URL).toBe(`https://raw.githubusercontent.com/${rows[0]!.repo}/${commit}/model/model.json`);
    expect(KNOWN_SHA256).toEqual(Object.fromEntries(rows.map((row) => [row.path.replace(/^model\//, ''), row.sha256])));
  });

  it('is verified against those sums when downloaded', () => {
    const config = loadEngineConfig({ EASEL_VGG19: DEFAULT_VGG19_URL, EASEL_CACHE_DIR: '/tmp/easel-cache' });
    expect(config.weights).toMatchObject({ location: DEFAULT_VGG19_URL, sha256: KNOWN_SHA256 });
  });

  it('the shared copy has a sum for every file its model.json names, and every sum matches', async () => {
    type Model = { weightsManifest: Array<{ paths: string[] }> };
    const model = JSON.parse(await readFile(join(SHARED_VGG19, 'model.json'), 'utf8')) as Model;
    const files = ['model.json', ...model.weightsManifest.flatMap((group) => group.paths)];
    expect(Object.keys(SHARED_VGG19_SHA256).sort()).toEqual([...files].sort());
    for (const file of files) {
      expect(sha256(await readFile(join(SHARED_VGG19, file))), file).toBe(SHARED_VGG19_SHA256[file]);
    }
  });
});
