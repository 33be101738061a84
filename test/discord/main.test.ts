import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/config/paths.js';
import { DiscordStandIn } from '../standins/discord/server.js';
import { SHARED, cleanScratch, scratchPath, sharedImage, tinyPresetsFile, user, waitFor } from './harness.js';

let child: ChildProcess | undefined;
let standIn: DiscordStandIn | undefined;

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await standIn?.close();
  await cleanScratch();
});

describe('easel as a process', () => {
  it('starts from the environment, paints on Discord, and shuts down cleanly on SIGTERM', async () => {
    standIn = await DiscordStandIn.start();
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DISCORD_TOKEN: standIn.token,
      DISCORD_API_URL: standIn.apiUrl,
      DISCORD_GUILD_ID: standIn.guildId,
      EASEL_PRESETS: await tinyPresetsFile(),
      EASEL_ASSETS: SHARED,
      EASEL_CACHE_DIR: await scratchPath('cache'),
      EASEL_DATA_DIR: await scratchPath('data'),
      EASEL_OPS_PORT: '0',
      EASEL_THREADS: '2',
      EASEL_MAX_SIZE: '64',
      EASEL_DISCORD_PROGRESS_MS: '200',
      // The playground starts with the bot; a free port, so that nothing else on 8080 stops it.
      PORT: '0',
    };
    child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/main.ts')], {
      env,
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

    await waitFor('the commands to be registered', () => standIn!.commands.get(standIn!.guildId));
    const content = standIn.hostFile('kitten.jpg', await sharedImage('content/kitten.jpg'), 'image/jpeg');
    const sent = standIn.sendCommand(
      user('yvonne'),
      'stylize',
      [
        { name: 'content', type: 11, value: content.id },
        { name: 'preset', type: 3, value: 'great_wave' },
      ],
      [content],
    );
    const reply = await waitFor('the deferred reply', () => standIn!.originalResponse(sent));
    await waitFor('the result', () =>
      standIn!.messagesIn(reply.id).find((m) => m.attachments.some((a) => a.filename === 'result.png')),
    );

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(output).toContain('easel is running');
    expect(output).toContain('"msg":"bye"');
    expect(output).not.toContain(standIn.token);
    expect(output).not.toContain(sent.token);
  });
});
