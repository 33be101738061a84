import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/images/decode.js';
import { SHARED } from '../support/engine.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const PHOTO = `${SHARED}images/content/kitten.jpg`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'easel-cli-presets-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function easel(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, ...args], {
      env: { ...process.env, EASEL_ASSETS: SHARED, EASEL_BACKEND: 'onnx', EASEL_THREADS: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('easel preset and easel presets', () => {
  it('paints an image with a preset’s network at the asked size and prints a summary', async () => {
    const out = join(dir, 'wave.png');
    const { code, stdout } = await easel('preset', 'wave', PHOTO, '-o', out, '--size', '48', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      preset: 'wave',
      network: 'wave',
      backend: 'onnx',
      width: 48,
      height: 32,
    });
    const written = await decodeImage(await readFile(out));
    expect([written.width, written.height]).toEqual([48, 32]);
  });

  it('exits 2 with one line for an unknown preset, a missing image, and options a network cannot take', async () => {
    const out = join(dir, 'x.png');
    const cases: Array<[string[], RegExp]> = [
      [['preset', 'mona_lisa', PHOTO, '-o', out], /^easel: There is no preset "mona_lisa"\. The presets are wave, /],
      [['preset', 'wave', join(dir, 'nope.jpg'), '-o', out], /^easel: The image ".*nope\.jpg" does not exist\.$/],
      [
        ['preset', 'udnie', PHOTO, '-o', out, '--iterations', '5'],
        /^easel: Udnie is a style network, so only --size applies to it\.$/,
      ],
      [['preset', 'wave', PHOTO, '-o', out, '--size', '99999'], /^easel: --size must be between 32 and \d+/],
      [['preset', 'wave', '-o', out], /^easel: preset needs a preset id and one image/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await easel(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr.split('\n')[0]).toMatch(message);
      expect(stderr).not.toMatch(/\n\s+at |undefined|NaN/);
    }
  });

  it('lists every preset with its emoji, Slack name, what it paints with and its credit', async () => {
    const { code, stdout } = await easel('presets');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(14);
    expect(lines[0]).toMatch(
      /^wave +🌊 +:ocean: +network wave \+ painting +The Great Wave: The Great Wave off Kanagawa, Katsushika Hokusai, c\. 1831$/,
    );
    expect(lines.find((line) => line.startsWith('udnie'))).toMatch(
      /network udnie +Udnie: style network trained on a painting by Francis Picabia/,
    );
  });
});
