import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { downloadToStaging } from '../engine/weights/download.js';
import { WeightsError } from '../engine/weights/errors.js';
import { findProblem, type StoreWording } from '../engine/weights/store.js';

/** One file of the assets, by its path in an assets folder, with where it comes from and the sha256 it must have. */
export interface KnownFile {
  readonly path: string;
  readonly url: string;
  readonly sha256: string;
}

/** A file in a public repository at a pinned commit, so that its bytes cannot change under the sha256. */
export const raw = (repo: string, commit: string, path: string): string =>
  `https://raw.githubusercontent.com/${repo}/${commit}/${path}`;

export interface DownloadKnownOptions {
  readonly fetch: typeof fetch;
  /** Longest one file's download may take. */
  readonly timeoutMs: number;
  /** Stops a wrong answer from filling the disk. */
  readonly maxBytes: number;
  /** What the files are, e.g. "The painting", in the message when one is not what was expected. */
  readonly what: string;
  readonly wording: StoreWording;
}

async function intact(file: string, sha256: string): Promise<boolean> {
  const bytes = await readFile(file).catch(() => undefined);
  return bytes !== undefined && findProblem(bytes, {}, sha256) === undefined;
}

/** Those of `files` that are missing from `root` or not the bytes expected. */
export async function missingFiles(root: string, files: readonly KnownFile[]): Promise<KnownFile[]> {
  const missing: KnownFile[] = [];
  for (const file of files) if (!(await intact(join(root, file.path), file.sha256))) missing.push(file);
  return missing;
}

/**
 * Downloads one known file into `root`, written atomically and only once its sha256 matches; resolves to its
 * length. Throws WeightsError naming the URL and the fix.
 */
export async function downloadKnownFile(root: string, file: KnownFile, options: DownloadKnownOptions): Promise<number> {
  const target = join(root, file.path);
  await mkdir(dirname(target), { recursive: true });
  const { fetch, timeoutMs, maxBytes, wording } = options;
  const staged = await downloadToStaging(file.url, target, { fetch, timeoutMs, maxBytes, wording });
  const problem = findProblem(staged.bytes, {}, file.sha256);
  if (problem !== undefined) {
    await staged.discard();
    throw new WeightsError(
      'weights-corrupt',
      `${options.what} downloaded from ${file.url} is not the one expected: ${problem}. It was not kept. Try again ` +
        `later, or ${wording.pointAt.charAt(0).toLowerCase()}${wording.pointAt.slice(1)}`,
    );
  }
  await staged.commit();
  return staged.bytes.byteLength;
}
