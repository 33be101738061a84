import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../../src/config/paths.js';
import { DiscordStandIn } from '../standins/discord/server.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];
const standIns: DiscordStandIn[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(standIns.splice(0).map((standIn) => standIn.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** `npm start` without any chat token, as on a fresh machine: the environment holds nothing of easel's but `env`. */
async function start(env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  const cache = await mkdtemp(join(tmpdir(), 'easel-start-'));
  dirs.push(cache);
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/main.ts')], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      EASEL_CACHE_DIR: cache,
      // The job journal and the ops port of a test's own, never the machine's.
      EASEL_DATA_DIR: join(cache, 'data'),
      EASEL_OPS_PORT: '0',
      EASEL_THREADS: '2',
      ...env,
    },
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

function waitFor<T>(find: () => T | undefined, output: () => string): Promise<T> {
  return vi.waitFor(
    () => {
      const found = find();
      if (found === undefined) throw new Error(`still starting:\n${output()}`);
      return found;
    },
    { timeout: 60_000, interval: 100 },
  );
}

const READY = /easel is ready: open (http:\/\/127\.0\.0\.1:\d+\/) to paint\./;

describe('npm start with no chat tokens', () => {
  it('opens the playground on 127.0.0.1, says where, and stops cleanly on SIGTERM', async () => {
    const { child, output } = await start({ PORT: '0' });
    const url = await waitFor(() => READY.exec(output())?.[1], output);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>easel');
    expect(output()).toContain('"platforms":["playground"]');

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(output()).toContain('"msg":"bye"');
  });

  it('says in one line what to set when the playground is off too', async () => {
    const { child, output } = await start({ EASEL_PLAYGROUND: 'off' });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(output()).toContain(
      'Nothing to connect to: EASEL_PLAYGROUND is off, and neither DISCORD_TOKEN (Discord) nor SLACK_BOT_TOKEN and ' +
        'SLACK_APP_TOKEN (Slack) are set.',
    );
  });
});

describe('npm start with a chat token', () => {
  async function discordEnv(): Promise<Record<string, string>> {
    const standIn = await DiscordStandIn.start();
    standIns.push(standIn);
    return {
      DISCORD_TOKEN: standIn.token,
      DISCORD_API_URL: standIn.apiUrl,
      DISCORD_GUILD_ID: standIn.guildId,
      PORT: '0',
    };
  }

  it('starts the bot and the playground with it', async () => {
    const { output } = await start(await discordEnv());
    await waitFor(() => READY.exec(output())?.[1], output);
    // The log (stdout) and the address (stderr) are two pipes: either may arrive first.
    const running = '"platforms":["discord","playground"]';
    await waitFor(() => (output().includes(running) ? true : undefined), output);
  });

  it('starts the bot alone with EASEL_PLAYGROUND=off', async () => {
    const { output } = await start({ ...(await discordEnv()), EASEL_PLAYGROUND: 'off' });
    await waitFor(() => (output().includes('easel is running') ? true : undefined), output);
    expect(output()).toContain('"platforms":["discord"]');
    expect(output()).not.toContain('easel is ready');
  });
});
