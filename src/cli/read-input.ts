import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.js';

/** Reads an input file; a missing or unreadable one is the user's to fix (exit code 2), said in one line. */
export async function readInput(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a file' : 'cannot be read';
    throw new UserError('bad-input', `The ${what} "${path}" ${reason}.`, { cause: error });
  }
}
