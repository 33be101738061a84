import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/config/paths.js';

describe('dependencies', () => {
  it('lets the chat process validate its engine settings without loading tfjs', async () => {
    // A fresh process, since this one may have loaded tfjs for other tests; tfjs-core announces itself as _tfengine.
    const script = `
      const { loadEngineConfig } = await import('./src/config/engine.ts');
      await import('./src/engine/index.ts');
      loadEngineConfig({ EASEL_BACKEND: 'wasm' });
      console.log(globalThis._tfengine === undefined ? 'no tfjs' : 'tfjs loaded');
    `;
    const args = ['--import', 'tsx', '--input-type=module', '-e', script];
    const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: REPO_ROOT });
    expect(stdout.trim()).toBe('no tfjs');
  });
});
