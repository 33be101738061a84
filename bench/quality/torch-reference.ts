import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RgbImage } from '../../src/engine/types.js';
import { decodeImage } from '../../src/images/decode.js';

const SCRIPT = fileURLToPath(new URL('./gatys_torch.py', import.meta.url));
/** The reference length: its 100-iteration result is the point easel's default must reach. */
export const TORCH_ITERATIONS = 100;

export interface TorchRun {
  readonly image: RgbImage;
  readonly iterations: number;
  readonly evaluations: number;
  readonly seconds: number;
}

/** A Python that runs the reference, and its torch's major.minor version. */
export interface TorchPython {
  readonly python: string;
  readonly version: string;
}

export interface TorchJob {
  /** The Python with torch, numpy and Pillow (Debian's python3-torch: /usr/bin/python3). */
  readonly python: string;
  readonly vggDir: string;
  readonly photo: string;
  readonly painting: string;
  readonly width: number;
  readonly height: number;
  readonly threads: number;
}

const run = promisify(execFile);

/**
 * torch's major.minor version under `python`, checked before any pair is painted so that a Python without torch
 * fails the bench at once, with what to install.
 */
export async function torchVersion(python: string): Promise<string> {
  try {
    const { stdout } = await run(python, ['-c', 'import numpy, PIL, torch; print(torch.__version__)']);
    return /^\d+\.\d+/.exec(stdout.trim())?.[0] ?? stdout.trim();
  } catch (err) {
    throw new Error(
      `--torch ${python}: that Python cannot import torch, numpy and Pillow. On Debian: apt-get install python3-torch, ` +
        'then --torch /usr/bin/python3.',
      { cause: err },
    );
  }
}

/** Runs issue 13's PyTorch reference (./gatys_torch.py) on one pair, at easel's result size, side by side. */
export async function runTorchReference(job: TorchJob): Promise<TorchRun> {
  const dir = await mkdtemp(join(tmpdir(), 'easel-torch-'));
  try {
    const out = join(dir, 'result.png');
    const args = [job.vggDir, job.photo, job.painting, job.width, job.height, TORCH_ITERATIONS, out, job.threads];
    let stdout: string;
    try {
      ({ stdout } = await run(job.python, [SCRIPT, ...args.map(String)], { maxBuffer: 1 << 20 }));
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join('\n') ?? String(err);
      throw new Error(`--torch ${job.python} could not run the PyTorch reference (needs python3-torch):\n${stderr}`, {
        cause: err,
      });
    }
    const { iterations, evaluations, seconds } = JSON.parse(stdout.trim().split('\n').at(-1)!) as Omit<
      TorchRun,
      'image'
    >;
    return { image: await decodeImage(await readFile(out)), iterations, evaluations, seconds };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
