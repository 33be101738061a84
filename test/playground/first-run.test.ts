import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PresetsConfig } from '../../src/config/index.js';
import { REPO_ROOT } from '../../src/config/paths.js';
import { WeightsError } from '../../src/engine/weights/errors.js';
import { loadStyleNetwork } from '../../src/engine/feedforward/load.js';
import { NETWORK_IDS, type NetworkId } from '../../src/engine/feedforward/shipped-networks.js';
import { ensureNetworks, ensurePaintings, ensureWeights } from '../../src/first-run/index.js';
import type { KnownFile } from '../../src/first-run/known-files.js';
import { NETWORK_SOURCES, networkFiles } from '../../src/first-run/networks.js';
import { KNOWN_PAINTINGS } from '../../src/first-run/paintings.js';
import { DownloadProgress, type ProgressStream } from '../../src/first-run/progress.js';
import { serveDirectory } from '../support/static-server.js';
import { SHARED } from './harness.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'easel-first-run-'));
  dirs.push(dir);
  return dir;
}

/** stderr as a log or pipe sees it (`tty: false`), or as a terminal. */
function stream(tty = false): ProgressStream & { readonly text: () => string } {
  const writes: string[] = [];
  return { isTTY: tty, write: (chunk: string) => writes.push(chunk) > 0, text: () => writes.join('') };
}

/** Answers each known file's URL from its copy in ../shared the way GitHub would, counting requests. */
function sharedFetch(files: readonly KnownFile[], corrupt?: string): typeof fetch & { readonly requests: string[] } {
  const requests: string[] = [];
  const byUrl = new Map(files.map(({ url, path }) => [url, path]));
  const answer = async (input: string | URL | Request): Promise<Response> => {
    const url = input instanceof Request ? input.url : input.toString();
    requests.push(url);
    const path = byUrl.get(url);
    if (path === undefined) return new Response('not found', { status: 404 });
    const bytes = await readFile(join(SHARED, path));
    if (path === corrupt) bytes[100] = 255 - (bytes[100] ?? 0);
    return new Response(bytes, { headers: { 'content-length': String(bytes.byteLength) } });
  };
  return Object.assign(answer, { requests });
}

const PAINTING_FILES: KnownFile[] = Object.entries(KNOWN_PAINTINGS).map(([path, painting]) => ({ path, ...painting }));

/** The presets' config of a fresh machine, whose assets are `location` in the cache: the paintings go there. */
function paintingsIn(location: string): PresetsConfig {
  return { file: 'unused', assets: { location, cacheDir: join(location, '..') }, downloadPaintings: true };
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe("the presets' paintings on a fresh machine", () => {
  it('are known for every painting in ../shared and every preset, each with the sha256 of the shared copy', async () => {
    for (const [path, painting] of Object.entries(KNOWN_PAINTINGS)) {
      expect(sha256(await readFile(join(SHARED, path))), path).toBe(painting.sha256);
      expect(painting.url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/[\w.-]+\/[\w.-]+\/[0-9a-f]{40}\//);
    }
    const shipped = await readdir(join(SHARED, 'images/styles'));
    expect(Object.keys(KNOWN_PAINTINGS).sort()).toEqual(shipped.map((file) => `images/styles/${file}`).sort());
    const presets = JSON.parse(await readFile(join(REPO_ROOT, 'config/presets.json'), 'utf8')) as {
      presets: Record<string, { painting?: { image: string } }>;
    };
    for (const { painting } of Object.values(presets.presets)) {
      if (painting) expect(Object.keys(KNOWN_PAINTINGS)).toContain(painting.image);
    }
  });

  it('are downloaded once into the cache, each checked, saying what, where and how far', async () => {
    const assetsRoot = join(await scratch(), 'assets');
    const presets = paintingsIn(assetsRoot);
    const fetch = sharedFetch(PAINTING_FILES);
    const out = stream();
    await ensurePaintings(presets, { fetch, stream: out });

    const count = Object.keys(KNOWN_PAINTINGS).length;
    expect(fetch.requests).toHaveLength(count);
    for (const path of Object.keys(KNOWN_PAINTINGS)) expect(existsSync(join(assetsRoot, path)), path).toBe(true);
    const lines = out.text().split('\n');
    expect(lines[0]).toBe(
      `easel: downloading ${count} paintings for the presets into ${join(assetsRoot, 'images', 'styles')} (once; they are ` +
        'kept there). EASEL_ASSETS can point at a folder of your own instead.',
    );
    expect(lines).toContain('  ✓ wave.jpg (115.7 KB)');
    expect(lines.at(-2)).toMatch(
      new RegExp(`^  Paintings ready: ${count} files, \\d+(\\.\\d)? MB in \\d+(\\.\\d)? s\\.$`),
    );

    const again = stream();
    await ensurePaintings(presets, { fetch, stream: again });
    expect(fetch.requests).toHaveLength(count);
    expect(again.text()).toBe('');
  });

  it('keep nothing that is not the painting expected, and say which and what to do', async () => {
    const assetsRoot = join(await scratch(), 'assets');
    const bad = 'images/styles/munch_the_scream.jpg';
    const attempt = ensurePaintings(paintingsIn(assetsRoot), {
      fetch: sharedFetch(PAINTING_FILES, bad),
      stream: stream(),
    });
    await expect(attempt).rejects.toBeInstanceOf(WeightsError);
    await expect(attempt).rejects.toThrow(
      new RegExp(
        `^The painting downloaded from ${KNOWN_PAINTINGS[bad]?.url.replace(/\./g, '\\.')} is not the one expected: its sha256 is`,
      ),
    );
    await expect(attempt).rejects.toThrow(
      /It was not kept\. Try again later, or set EASEL_ASSETS to a folder laid out like \.\.\/shared/,
    );
    expect(existsSync(join(assetsRoot, bad))).toBe(false);
    expect((await readdir(join(assetsRoot, 'images/styles'))).filter((file) => file.includes('.part'))).toEqual([]);
  });

  it('are left alone where the assets are a folder of their own', async () => {
    const fetch = sharedFetch(PAINTING_FILES);
    const presets = { ...paintingsIn('/nowhere'), downloadPaintings: false };
    await ensurePaintings(presets, { fetch, stream: stream() });
    expect(fetch.requests).toEqual([]);
  });
});

describe("the presets' style networks on a fresh machine", () => {
  const allFiles = NETWORK_IDS.flatMap((id) => networkFiles(id));

  it('come from a pinned commit, with the sha256 of the shared copy for every file', async () => {
    expect(Object.keys(NETWORK_SOURCES).sort()).toEqual([...NETWORK_IDS].sort());
    for (const id of NETWORK_IDS) {
      expect(NETWORK_SOURCES[id]).toMatch(/^https:\/\/raw\.githubusercontent\.com\/[\w.-]+\/[\w.-]+\/[0-9a-f]{40}\//);
      const shipped = await readdir(join(SHARED, 'models/fast', id));
      expect(networkFiles(id).map((f) => f.path.split('/').at(-1))).toEqual(
        expect.arrayContaining(shipped.filter((name) => name !== 'style.jpg')),
      );
    }
    for (const file of allFiles) expect(sha256(await readFile(join(SHARED, file.path))), file.path).toBe(file.sha256);
  });

  it('are downloaded once into the cache, a line per network, and then load like the shipped ones', async () => {
    const assetsRoot = join(await scratch(), 'assets');
    const wanted: NetworkId[] = ['wave', 'udnie'];
    const fetch = sharedFetch(allFiles);
    const out = stream();
    await ensureNetworks(paintingsIn(assetsRoot), wanted, { fetch, stream: out });

    expect(fetch.requests).toHaveLength(2 * 49);
    const lines = out.text().split('\n');
    expect(lines[0]).toBe(
      `easel: downloading 2 style networks for the presets into ${join(assetsRoot, 'models', 'fast')} (once; they ` +
        'are kept there). EASEL_ASSETS can point at a folder of your own instead.',
    );
    expect(lines[1]).toBe('  ✓ wave (6.4 MB)');
    expect(lines[2]).toBe('  ✓ udnie (6.4 MB)');
    expect(lines[3]).toMatch(/^ {2}Style networks ready: 2 networks, 12\.8 MB in \d+(\.\d)? s\.$/);
    const downloaded = await loadStyleNetwork({ location: assetsRoot, cacheDir: '/nowhere' }, 'wave');
    expect(downloaded).toEqual(await loadStyleNetwork({ location: SHARED, cacheDir: '/nowhere' }, 'wave'));

    const again = stream();
    await ensureNetworks(paintingsIn(assetsRoot), wanted, { fetch, stream: again });
    expect(again.text()).toBe('');
    expect(fetch.requests).toHaveLength(2 * 49);
  });

  it('keep no file that is not the one expected, and say which and what to do', async () => {
    const assetsRoot = join(await scratch(), 'assets');
    const bad = 'models/fast/scream/Variable_12';
    const attempt = ensureNetworks(paintingsIn(assetsRoot), ['scream'], {
      fetch: sharedFetch(allFiles, bad),
      stream: stream(),
    });
    await expect(attempt).rejects.toBeInstanceOf(WeightsError);
    await expect(attempt).rejects.toThrow(
      /^A file of the "scream" style network downloaded from https:\/\/raw\.githubusercontent\.com\/\S+\/Variable_12 is not the one expected/,
    );
    await expect(attempt).rejects.toThrow(
      /set EASEL_ASSETS to a folder laid out like \.\.\/shared \(with models\/fast\/ in it\)/,
    );
    expect(existsSync(join(assetsRoot, bad))).toBe(false);
    expect((await readdir(join(assetsRoot, 'models/fast/scream'))).filter((file) => file.includes('.part'))).toEqual(
      [],
    );
  });

  it('are left alone where the assets are a folder of their own', async () => {
    const fetch = sharedFetch(allFiles);
    await ensureNetworks({ ...paintingsIn('/nowhere'), downloadPaintings: false }, ['wave'], {
      fetch,
      stream: stream(),
    });
    expect(fetch.requests).toEqual([]);
  });
});

describe('the VGG19 weights on a fresh machine', () => {
  it('are downloaded into the cache before the engine starts, once, with a line per file', async () => {
    const server = await serveDirectory(join(SHARED, 'models/vgg19'));
    try {
      const cacheDir = await scratch();
      const weights = { location: `${server.url}model.json`, cacheDir };
      const out = stream();
      await ensureWeights(weights, ['block1_conv1'], { stream: out });
      const lines = out.text().split('\n');
      expect(lines[0]).toBe(
        `easel: downloading the VGG19 weights it paints with from ${new URL(server.url).host} into ${cacheDir} (once; ` +
          'they are kept there). EASEL_VGG19 can point at a local copy instead.',
      );
      expect(lines[1]).toMatch(/^ {2}✓ model\.json \(\d+(\.\d)? KB\)$/);
      expect(lines[2]).toBe('  ✓ group1-shard1of21.bin (3.8 MB)');
      expect(lines[3]).toMatch(/^ {2}VGG19 weights ready: 2 files, 3\.8 MB in \d+(\.\d)? s\.$/);
      expect(server.requests).toEqual(['/model.json', '/group1-shard1of21.bin']);

      const again = stream();
      await ensureWeights(weights, ['block1_conv1'], { stream: again });
      expect(again.text()).toBe('');
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it('are not fetched when they come from a folder', async () => {
    const out = stream();
    await ensureWeights({ location: join(SHARED, 'models/vgg19'), cacheDir: '/nowhere' }, ['block1_conv1'], {
      stream: out,
    });
    expect(out.text()).toBe('');
  });
});

describe('the progress of a download', () => {
  it('redraws one bar in place on a terminal, and ends each file with a line', () => {
    const out = stream(true);
    const progress = new DownloadProgress(out);
    progress.announce('easel: downloading');
    progress.announce('said only once');
    const file = progress.file('group1-shard1of21.bin', 4_000_000);
    file.advance(1_000_000);
    file.done();
    expect(out.text()).toBe(
      'easel: downloading\n' +
        `\r  group1-shard1of21.bin  ${'█'.repeat(6)}${'░'.repeat(18)}  25%  976.6 KB of 3.8 MB\x1b[K` +
        '\r\x1b[K  ✓ group1-shard1of21.bin (976.6 KB)\n',
    );
    expect(progress.totals).toEqual({ files: 1, bytes: 1_000_000 });
  });
});
