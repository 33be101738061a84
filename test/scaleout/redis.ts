import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';

/**
 * A Redis for tests: the one CI started (EASEL_TEST_REDIS_URL, see .ci/run), else a redis-server of the test's own
 * on a free loopback port, with no persistence. Tests that need one skip only where there is neither, and never in
 * CI: there a missing Redis fails them.
 */

function findRedisServer(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat('/usr/bin', '/usr/sbin');
  return dirs.map((dir) => join(dir, 'redis-server')).find((file) => existsSync(file));
}

const GIVEN_URL = process.env.EASEL_TEST_REDIS_URL;
const SERVER = findRedisServer();
export const skipWithoutRedis = GIVEN_URL === undefined && SERVER === undefined && !process.env.CI;

export interface TestRedis {
  /** A database of its own on the server, emptied at the start. */
  readonly url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function flushed(url: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 3 });
  try {
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}

/** `db` keeps test files apart on CI's one server. */
export async function startTestRedis(db: number): Promise<TestRedis> {
  if (GIVEN_URL !== undefined) {
    const url = `${GIVEN_URL.replace(/\/\d*$/, '')}/${db}`;
    await flushed(url);
    return { url, stop: () => flushed(url) };
  }
  if (SERVER === undefined) {
    throw new Error('these tests need Redis: install redis-server, or set EASEL_TEST_REDIS_URL (CI does, in .ci/run)');
  }
  const dir = await mkdtemp(join(tmpdir(), 'easel-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const child: ChildProcess = spawn(SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${output}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}/${db}`,
    async stop() {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
