import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RgbImage } from '../../images/rgb-image.js';

/** A job's input image as the journal records it; its pixels are in a file of their own. */
export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/** Job ids are the queue's UUIDs; anything else read back is not used as a path. */
const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isJobId(id: string): boolean {
  return JOB_ID.test(id);
}

/** Members' pictures: readable by easel's own user only. */
const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

/** Bytes of a decoded image's pixels. */
export function pixelBytes({ width, height }: ImageSize): number {
  return width * height * 3;
}

/**
 * The decoded input images of unfinished jobs, as raw RGB files: `<root>/<job id>/<n>.rgb`, the content first and
 * then each style. Raw rather than PNG: they are written while the job is queued, synchronously, so that they are
 * on disk before the member is told their place, and Node has no synchronous PNG encoder; they live only until the
 * job ends. Synchronous throughout, like the journal's SQLite calls.
 */
export class InputFiles {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true, mode: PRIVATE_DIR });
  }

  /** Writes a job's images; on failure (disk full) nothing of them is left and the error is thrown. */
  write(jobId: string, images: readonly RgbImage[]): void {
    const dir = this.#dir(jobId);
    try {
      mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
      images.forEach((image, index) => writeFileSync(join(dir, `${index}.rgb`), image.data, { mode: PRIVATE_FILE }));
    } catch (err) {
      this.remove(jobId);
      throw err;
    }
  }

  /** Reads a job's images back; throws when one is missing or not the size recorded. */
  read(jobId: string, sizes: readonly ImageSize[]): RgbImage[] {
    return sizes.map((size, index) => {
      const data = new Uint8Array(readFileSync(join(this.#dir(jobId), `${index}.rgb`)));
      if (data.byteLength !== pixelBytes(size)) {
        throw new Error(`input ${index} of job ${jobId} has ${data.byteLength} bytes, not ${pixelBytes(size)}`);
      }
      return { width: size.width, height: size.height, data };
    });
  }

  remove(jobId: string): void {
    rmSync(this.#dir(jobId), { recursive: true, force: true });
  }

  /** Jobs that have files here, e.g. to find those the journal no longer knows. */
  jobIds(): string[] {
    return readdirSync(this.root).filter(isJobId);
  }

  #dir(jobId: string): string {
    if (!isJobId(jobId)) throw new Error(`not a job id: ${JSON.stringify(jobId)}`);
    return join(this.root, jobId);
  }
}
