import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { WeightsError } from './errors.js';
import { findProblem, VGG19_WORDING, type FileExpectation, type StoreWording, type WeightsStore } from './store.js';

/** A model on local disk: `location` is its directory or its model.json. Files are read in place, never cached. */
export async function openDirectoryStore(
  location: string,
  sha256: Readonly<Record<string, string>> = {},
  wording: StoreWording = VGG19_WORDING,
): Promise<WeightsStore> {
  const { what, variable, pointAt } = wording;
  const path = resolve(location);
  const isFile = await stat(path).then(
    (stats) => stats.isFile(),
    (error: unknown) => {
      throw new WeightsError('weights-missing', `The ${what} folder ${path} ${unreadable(error)}. ${pointAt}`, {
        cause: error,
      });
    },
  );
  const dir = isFile ? dirname(path) : path;
  const modelFile = isFile ? basename(path) : 'model.json';
  const describe = (file: string): string => join(dir, file);

  return {
    modelFile,
    describe,
    async read(file: string, expected: FileExpectation): Promise<Uint8Array> {
      const bytes = await readFile(describe(file)).catch((error: unknown) => {
        throw new WeightsError(
          'weights-missing',
          `The ${what} file ${describe(file)} ${unreadable(error)}. ${pointAt}`,
          { cause: error },
        );
      });
      const problem = findProblem(bytes, expected, sha256[file]);
      if (problem !== undefined) {
        throw new WeightsError(
          'weights-corrupt',
          `The ${what} file ${describe(file)} is corrupt: ${problem}. ` +
            `Replace the folder with a fresh download of the model, or point ${variable} at an intact copy.`,
        );
      }
      return bytes;
    },
  };
}

function unreadable(error: unknown): string {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'does not exist';
  return typeof code === 'string' ? `cannot be read (${code})` : 'cannot be read';
}
