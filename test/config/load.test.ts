import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/env.js';
import { loadConfig } from '../../src/config/index.js';
import { DEFAULTS_FILE, loadSettings, readDefaults, valueAt } from '../../src/config/load.js';
import { eachSetting } from '../../src/config/settings.js';

let dir: string;
let count = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'easel-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes an operator file and returns the environment that points at it. */
async function withFile(contents: unknown, env: Record<string, string> = {}): Promise<Record<string, string>> {
  const file = join(dir, `easel-${(count += 1)}.json`);
  await writeFile(file, typeof contents === 'string' ? contents : JSON.stringify(contents));
  return { ...env, EASEL_CONFIG: file };
}

describe(`${DEFAULTS_FILE}`, () => {
  it('gives every setting but the tokens a default, and holds no token', () => {
    const defaults = readDefaults();
    for (const [key, setting] of eachSetting()) {
      if (setting.secret) expect(valueAt(defaults, key), key).toBeUndefined();
      else expect(valueAt(defaults, key), key).toBeDefined();
    }
  });

  it('is what an empty environment gets', () => {
    const settings = loadSettings({});
    expect(settings.queue).toEqual({
      maxPerUser: 2,
      maxWaiting: 20,
      timeoutMs: 900_000,
      graceMs: 10_000,
      shutdownGraceMs: 8_000,
    });
    expect(settings.limits).toEqual({
      maxSize: 1024,
      maxIterations: 500,
      maxDownloadBytes: 25 * 1024 * 1024,
      downloadTimeoutMs: 20_000,
      inputConcurrency: 2,
      maxPixels: 50_000_000,
      maxDataBytes: 1024 ** 3,
    });
    expect(settings.dataDir).toBeUndefined();
    expect(settings.slack).toMatchObject({ mode: 'socket', port: 3000, apiUrl: undefined, channels: [] });
    expect(settings.engine).toEqual({ vgg19: undefined, backend: undefined, threads: undefined, slots: 1 });
    expect(settings.logLevel).toBe('info');
    expect(settings.discord.token).toBeUndefined();
  });
});

describe('an operator file (EASEL_CONFIG)', () => {
  it('overrides the defaults, and the environment overrides it', async () => {
    const env = await withFile(
      { queue: { maxWaiting: 50, maxPerUser: 3 }, discord: { channels: ['123456789012345678'] }, logLevel: 'DEBUG' },
      { EASEL_QUEUE_PER_USER: '4', EASEL_QUEUE_MAX: ' ' },
    );
    const settings = loadSettings(env);
    expect(settings.queue).toEqual({
      maxPerUser: 4,
      maxWaiting: 50,
      timeoutMs: 900_000,
      graceMs: 10_000,
      shutdownGraceMs: 8_000,
    });
    expect(settings.discord.channels).toEqual(['123456789012345678']);
    expect(settings.logLevel).toBe('debug');
  });

  it('leaves a setting unset with null where unset is allowed', async () => {
    const settings = loadSettings(await withFile({ engine: { threads: null }, ops: { host: 'localhost' } }));
    expect(settings.engine.threads).toBeUndefined();
    expect(settings.ops.host).toBe('localhost');
  });

  it('takes paths from the easel folder, as the variables do', async () => {
    const fromFile = loadConfig(await withFile({ presets: { file: 'config/presets.json' } })).presets.file;
    expect(fromFile).toBe(loadConfig({ EASEL_PRESETS: 'config/presets.json' }).presets.file);
    expect(fromFile).toMatch(/\/config\/presets\.json$/);
  });

  it('names the key, the variable and the file when a value is wrong', async () => {
    const MAX_WAITING = 'queue.maxWaiting (EASEL_QUEUE_MAX) in FILE';
    const cases: Array<[unknown, string]> = [
      [{ queue: { maxWaiting: 'abc' } }, `${MAX_WAITING} must be a whole number from 1 to 10000; got "abc".`],
      [{ queue: { maxWaiting: 2.5 } }, `${MAX_WAITING} must be a whole number from 1 to 10000; got 2.5.`],
      [
        { queue: { timeoutMs: null } },
        'queue.timeoutMs (EASEL_JOB_TIMEOUT_MS) in FILE must be a whole number from 1000 to 86400000; got null.',
      ],
      [
        { slack: { channels: 'C1' } },
        'slack.channels (EASEL_SLACK_CHANNELS) in FILE must be a list of channel ids like C0123ABCD; got "C1".',
      ],
      [
        { slack: { channels: ['C1', '#art'] } },
        'slack.channels (EASEL_SLACK_CHANNELS) in FILE must be a list of channel ids like C0123ABCD; "#art" is not one.',
      ],
      [
        { ops: { host: '' } },
        'ops.host (EASEL_OPS_HOST) in FILE must be an IP address or a host name, like 127.0.0.1 or 0.0.0.0; got "".',
      ],
    ];
    for (const [contents, message] of cases) {
      const env = await withFile(contents);
      expect(() => loadSettings(env)).toThrow(new ConfigError(message.replace('FILE', env.EASEL_CONFIG!)));
    }
  });

  it('refuses tokens, keys that are not settings, and files that are not settings', async () => {
    const TOP =
      'discord, slack, engine, cacheDir, dataDir, presets, limits, queue, remix, scaleout, logLevel, playground, ops';
    const SECRET = 'is a secret and is read from';
    const cases: Array<[unknown, string]> = [
      [{ discord: { token: 'abc' } }, `FILE: "discord.token" ${SECRET} DISCORD_TOKEN only; remove it from the file.`],
      [
        { slack: { botToken: 'xoxb-1' } },
        `FILE: "slack.botToken" ${SECRET} SLACK_BOT_TOKEN only; remove it from the file.`,
      ],
      [
        { queue: { maxWaitng: 5 } },
        'FILE: there is no setting "queue.maxWaitng"; "queue" takes maxPerUser, maxWaiting, timeoutMs, graceMs, shutdownGraceMs.',
      ],
      [{ port: 80 }, `FILE: there is no setting "port"; the file takes ${TOP}.`],
      [{ ops: 9464 }, 'FILE: "ops" must be a JSON object with the keys host, port.'],
      [[], `FILE: the file must be a JSON object with the keys ${TOP}.`],
    ];
    for (const [contents, message] of cases) {
      const env = await withFile(contents);
      expect(() => loadSettings(env)).toThrow(new ConfigError(message.replace('FILE', env.EASEL_CONFIG!)));
    }
  });

  it('says so when the file is missing or is not JSON', async () => {
    const missing = join(dir, 'missing.json');
    expect(() => loadSettings({ EASEL_CONFIG: missing })).toThrow(
      new ConfigError(`EASEL_CONFIG's file ${missing} does not exist.`),
    );
    const env = await withFile('{ "queue": ');
    expect(() => loadSettings(env)).toThrow(ConfigError);
    const notJson = new RegExp(`^EASEL_CONFIG's file ${env.EASEL_CONFIG} is not valid JSON: `);
    expect(() => loadSettings(env)).toThrow(notJson);
  });
});

describe('every setting', () => {
  it('refuses a bad value in one line that names the variable, the key and what is allowed', () => {
    let refused = 0;
    for (const [key, setting] of eachSetting()) {
      let error: unknown;
      try {
        loadSettings({ [setting.env]: 'not valid!' });
      } catch (caught) {
        error = caught;
      }
      // Tokens, paths and the weights' location take any text.
      if (error === undefined) continue;
      refused += 1;
      expect(error).toBeInstanceOf(ConfigError);
      const { message } = error as ConfigError;
      expect(message).toBe(`${setting.env} (${key}) must be ${setting.rule.allowed}; ${message.split('; ').pop()}`);
      expect(message).not.toContain('\n');
    }
    expect(refused).toBeGreaterThan(25);
  });
});
