import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/images/decode.js';
import { SHARED } from '../support/engine.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const CONTENT = `${SHARED}images/content/kitten.jpg`;
const STYLE = `${SHARED}images/styles/hokusai_great_wave.jpg`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'easel-cli-'));
});

async function easel(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, ...args], {
      env: { ...process.env, EASEL_VGG19: `${SHARED}models/vgg19`, EASEL_BACKEND: 'wasm' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function expectOneFriendlyLine(stderr: string): void {
  const lines = stderr.trim().split('\n');
  expect(lines[0]).toMatch(/^easel: /);
  expect(stderr).not.toMatch(/\n\s+at |undefined|NaN/);
}

describe('easel CLI', () => {
  it('stylizes and prints the JSON summary', async () => {
    const out = join(dir, 'out.webp');
    const { code, stdout } = await easel(
      'stylize',
      CONTENT,
      STYLE,
      '-o',
      out,
      '--size',
      '48',
      '--iterations',
      '3',
      '--json',
    );
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(summary).sort()).toEqual(
      ['backend', 'height', 'iterations', 'losses', 'ms', 'msPerIteration', 'width'].sort(),
    );
    expect(summary).toMatchObject({ backend: 'wasm', width: 48, height: 32, iterations: 3 });
    const losses = summary.losses as { initial: Record<string, number>; final: Record<string, number> };
    expect(Object.keys(losses.final).sort()).toEqual(['content', 'style', 'total', 'tv']);
    const written = await decodeImage(await readFile(out));
    expect([written.width, written.height]).toEqual([48, 32]);
  });

  it('exits 2 with one clear line when the style is not an image', async () => {
    const text = join(dir, 'notes.jpg');
    await writeFile(text, 'just some words, not pixels');
    const { code, stderr } = await easel('stylize', CONTENT, text, '-o', join(dir, 'x.png'));
    expect(code).toBe(2);
    expectOneFriendlyLine(stderr);
    expect(stderr).toMatch(/style image/i);
  });

  it('exits 2 for a missing file, a bad option value and an unknown output format', async () => {
    for (const args of [
      ['stylize', join(dir, 'nope.jpg'), STYLE, '-o', join(dir, 'x.png')],
      ['stylize', CONTENT, STYLE, '-o', join(dir, 'x.png'), '--style-weight', 'lots'],
      ['stylize', CONTENT, STYLE, '-o', join(dir, 'x.bmp')],
    ]) {
      const { code, stderr } = await easel(...args);
      expect(code).toBe(2);
      expectOneFriendlyLine(stderr);
    }
  });

  it('prints the usage with every option, and words option mistakes with its flags', async () => {
    const help = await easel('help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--learning-rate X +Adam's step size in pixel units \(0\.01 to 100, default 4\)/);
    expect(help.stdout).toMatch(/--size N +longest side of the result in pixels \(32 to 1024, default 512\)/);

    const { code, stderr } = await easel('stylize', CONTENT, STYLE, '-o', join(dir, 'x.png'), '--size', '5000');
    expect(code).toBe(2);
    expectOneFriendlyLine(stderr);
    expect(stderr).toMatch(
      /^easel: --size must be between 32 and 1024 \(longest side of the result in pixels\); got 5000\.$/m,
    );
  });

  it("words a size above the runtime's own cap like any other mistake", async () => {
    // The wasm runtime paints at most 512 px, below the default EASEL_MAX_SIZE of 1024.
    const { code, stderr } = await easel('stylize', CONTENT, STYLE, '-o', join(dir, 'x.png'), '--size', '800');
    expect(code).toBe(2);
    expectOneFriendlyLine(stderr);
    expect(stderr).toMatch(/^easel: --size must be between 32 and 512 .*; got 800\.$/m);
  });

  it('words an option mistake found by the engine worker with its flag too', async () => {
    // Two blend weights for one style image: only the engine, which sees the images, can tell.
    const args = ['stylize', CONTENT, STYLE, '-o', join(dir, 'x.png'), '--size', '48', '--style-blend', '0.5,0.5'];
    const { code, stderr } = await easel(...args);
    expect(code).toBe(2);
    expectOneFriendlyLine(stderr);
    expect(stderr).toMatch(/^easel: --style-blend needs one value \(one weight per style image\); got "0\.5,0\.5"\.$/m);
  });
});
