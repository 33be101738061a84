import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { RgbImage } from '../engine/types.js';
import { ImageTooLargeForRedisError, WireFormatError } from './errors.js';
import { imageKey } from './keys.js';

/** Where one image waits while it travels: a Redis key, or a file in the shared store. */
export interface ImageRef {
  readonly width: number;
  readonly height: number;
  readonly where: 'redis' | 'shared';
  /** The Redis key, or the file name in the shared store. */
  readonly key: string;
}

export interface ImageStoreOptions {
  readonly redis: Redis;
  /** Images of more bytes than this go to `sharedDir`. */
  readonly maxInlineBytes: number;
  /** A folder every bot and worker mounts at the same path; undefined refuses images past the bound. */
  readonly sharedDir?: string;
  /** How long an image is kept if nobody deletes it (a bot that died mid-job). */
  readonly ttlMs: number;
}

/**
 * Moves decoded images between the bot and its workers. Raw RGB, not PNG: encoding a 1024 px input costs more than
 * sending its 3 MiB once over a LAN. Up to a bound they go through Redis as binary values (not inside BullMQ's JSON
 * job data, which would base64 them and copy them into its event stream), past it through a shared directory: the
 * simplest store a compose file or a row of machines with one NFS mount can share, with no S3 credentials to manage.
 */
export class ImageStore {
  readonly #options: ImageStoreOptions;

  constructor(options: ImageStoreOptions) {
    this.#options = options;
  }

  async put(jobKey: string, name: string, image: RgbImage): Promise<ImageRef> {
    const { redis, maxInlineBytes, sharedDir, ttlMs } = this.#options;
    const { width, height, data } = image;
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const key = imageKey(jobKey, name);
    if (bytes.byteLength <= maxInlineBytes) {
      await redis.set(key, bytes, 'PX', ttlMs);
      return { width, height, where: 'redis', key };
    }
    if (sharedDir === undefined) throw new ImageTooLargeForRedisError();
    await mkdir(sharedDir, { recursive: true });
    const file = `${key.replaceAll(':', '_')}.rgb`;
    await writeFile(join(sharedDir, file), bytes);
    return { width, height, where: 'shared', key: file };
  }

  async get(ref: ImageRef): Promise<RgbImage> {
    const bytes =
      ref.where === 'redis'
        ? await this.#options.redis.getBuffer(ref.key)
        : await readFile(join(this.#sharedDir(), ref.key));
    if (bytes === null || bytes.byteLength !== ref.width * ref.height * 3)
      throw new WireFormatError(`image ${ref.key}`);
    return { width: ref.width, height: ref.height, data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) };
  }

  /** Removes images once their job is over; one already gone is no error. */
  async delete(refs: readonly ImageRef[]): Promise<void> {
    const inRedis = refs.filter((ref) => ref.where === 'redis').map((ref) => ref.key);
    if (inRedis.length > 0) await this.#options.redis.del(...inRedis);
    const shared = refs.filter((ref) => ref.where === 'shared');
    await Promise.all(shared.map((ref) => rm(join(this.#sharedDir(), ref.key), { force: true })));
  }

  #sharedDir(): string {
    const { sharedDir } = this.#options;
    if (sharedDir === undefined) throw new WireFormatError('shared-store image (EASEL_SHARED_STORE_DIR is unset here)');
    return sharedDir;
  }
}
