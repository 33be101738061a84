import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, presetsConfig } from '../../src/config/index.js';
import { loadSettings } from '../../src/config/load.js';
import { isLoopback } from '../../src/config/playground.js';
import { SHARED } from './harness.js';

const TOKEN = 'a-long-enough-shared-secret';
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the playground settings', () => {
  it('open it on 127.0.0.1:8080 by default, with no secret', () => {
    expect(loadConfig({}).playground).toEqual({ host: '127.0.0.1', port: 8080, token: undefined });
    expect(loadConfig({ PORT: '3005', EASEL_PLAYGROUND: 'ON' }).playground).toMatchObject({ port: 3005 });
  });

  it('turn it off with EASEL_PLAYGROUND=off', () => {
    expect(loadConfig({ EASEL_PLAYGROUND: 'off' }).playground).toBeUndefined();
    expect(() => loadConfig({ EASEL_PLAYGROUND: 'no' })).toThrow(
      new ConfigError('EASEL_PLAYGROUND (playground.enabled) must be one of on, off; got "no".'),
    );
  });

  it('refuse an address other machines can reach without a shared secret, in one line', () => {
    const refusal = new ConfigError(
      'EASEL_PLAYGROUND_HOST (playground.host) is 0.0.0.0, which other machines can reach, so EASEL_PLAYGROUND_TOKEN ' +
        'must be set to a shared secret (or set EASEL_PLAYGROUND=off).',
    );
    expect(() => loadConfig({ EASEL_PLAYGROUND_HOST: '0.0.0.0' })).toThrow(refusal);
    expect(loadConfig({ EASEL_PLAYGROUND_HOST: '0.0.0.0', EASEL_PLAYGROUND_TOKEN: TOKEN }).playground).toEqual({
      host: '0.0.0.0',
      port: 8080,
      token: TOKEN,
    });
    expect(() => loadConfig({ EASEL_PLAYGROUND_HOST: '0.0.0.0', EASEL_PLAYGROUND_TOKEN: 'short' })).toThrow(
      new ConfigError('EASEL_PLAYGROUND_TOKEN must be at least 16 characters long; it is 5.'),
    );
    expect(() => loadConfig({ EASEL_PLAYGROUND_HOST: '0.0.0.0', EASEL_PLAYGROUND: 'off' })).not.toThrow();
  });

  it('keep the secret out of files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'easel-playground-config-'));
    dirs.push(dir);
    const file = join(dir, 'easel.json');
    await writeFile(file, JSON.stringify({ playground: { token: TOKEN } }));
    expect(() => loadConfig({ EASEL_CONFIG: file })).toThrow(
      new ConfigError(
        `${file}: "playground.token" is a secret and is read from EASEL_PLAYGROUND_TOKEN only; remove it from the file.`,
      ),
    );
  });

  it('tell loopback from the rest', () => {
    for (const host of ['127.0.0.1', '127.8.0.1', '::1', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1'])
      expect(isLoopback(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.20', '10.0.0.1', 'example.com', 'localhost.example.com']) {
      expect(isLoopback(host), host).toBe(false);
    }
  });
});

describe("the presets' paintings", () => {
  it('come from EASEL_ASSETS, else ../shared, else a folder in the cache they are downloaded into', () => {
    expect(loadConfig({ EASEL_ASSETS: '/srv/art' }).presets).toMatchObject({
      assets: { location: '/srv/art' },
      downloadPaintings: false,
    });
    expect(loadConfig({}).presets).toMatchObject({ assets: { location: SHARED }, downloadPaintings: false });
    const freshClone = presetsConfig(loadSettings({}), '/var/cache/easel', '/nowhere/shared');
    expect(freshClone).toEqual({
      file: expect.any(String),
      assets: { location: '/var/cache/easel/assets', cacheDir: '/var/cache/easel' },
      downloadPaintings: true,
    });
  });
});
