import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/config/paths.js';
import { isAlive, livezUrl } from '../../src/ops/healthcheck.js';
import { Ops } from '../../src/ops/index.js';

const run = promisify(execFile);

/** The HEALTHCHECK entry as the container runs it (through tsx here, since dist/ is not built in tests). */
async function healthcheckExitCode(env: Record<string, string>): Promise<number> {
  try {
    await run(process.execPath, ['--import', 'tsx', 'src/ops/healthcheck-cli.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
    });
    return 0;
  } catch (err) {
    return (err as { code: number }).code;
  }
}

describe('healthcheck', () => {
  it('probes loopback when the server listens on every address', () => {
    expect(livezUrl({ host: '0.0.0.0', port: 9464 })).toBe('http://127.0.0.1:9464/livez');
    expect(livezUrl({ host: '::', port: 9464 })).toBe('http://[::1]:9464/livez');
    expect(livezUrl({ host: '10.0.0.5', port: 1 })).toBe('http://10.0.0.5:1/livez');
  });

  it('exits 0 while /livez answers and 1 once the server is gone', async () => {
    const server = await new Ops().listen({ host: '127.0.0.1', port: 0 }, pino({ level: 'silent' }));
    const port = new URL(server.url).port;
    expect(await isAlive(`${server.url}/livez`)).toBe(true);
    expect(await healthcheckExitCode({ EASEL_OPS_HOST: '0.0.0.0', EASEL_OPS_PORT: port })).toBe(0);

    await server.close();
    expect(await isAlive(`${server.url}/livez`)).toBe(false);
    expect(await healthcheckExitCode({ EASEL_OPS_HOST: '127.0.0.1', EASEL_OPS_PORT: port })).toBe(1);
  });
});
