import { createHash } from 'node:crypto';

/** What a file must look like to be trusted; anything else is treated as corrupt. */
export interface FileExpectation {
  /** Allowed size in bytes, both ends inclusive. */
  readonly length?: { readonly min: number; readonly max: number };
  /** Checks of the content beyond size and hash; returns what is wrong, if anything. */
  readonly check?: (bytes: Uint8Array) => string | undefined;
}

/** The files of one tfjs model: model.json and the shards named in it. */
export interface WeightsStore {
  /** File name of the model.json, e.g. "model.json". */
  readonly modelFile: string;
  /** The path or URL of a file, for messages. */
  describe(file: string): string;
  /** Reads a file and verifies it against `expected` and any configured sha256; throws WeightsError otherwise. */
  read(file: string, expected: FileExpectation): Promise<Uint8Array>;
}

export const POINT_EASEL_VGG19 =
  'Set EASEL_VGG19 to a directory holding model.json and its shard files, or to an http(s) URL of model.json.';

/** How a store's messages name its files and the setting that points at them; other models reuse the stores. */
export interface StoreWording {
  /** What the files are, e.g. "VGG19 weights". */
  readonly what: string;
  /** The environment variable that says where they come from. */
  readonly variable: string;
  /** A sentence saying how to set `variable`. */
  readonly pointAt: string;
}

export const VGG19_WORDING: StoreWording = {
  what: 'VGG19 weights',
  variable: 'EASEL_VGG19',
  pointAt: POINT_EASEL_VGG19,
};

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Says what is wrong with a file's bytes, or nothing when they are as expected. */
export function findProblem(
  bytes: Uint8Array,
  expected: FileExpectation,
  sha256: string | undefined,
): string | undefined {
  const { length } = expected;
  if (length && (bytes.byteLength < length.min || bytes.byteLength > length.max)) {
    const wanted = length.min === length.max ? `${length.min}` : `${length.min} to ${length.max}`;
    return `it is ${bytes.byteLength} bytes long, expected ${wanted}`;
  }
  if (sha256 !== undefined) {
    const actual = sha256Hex(bytes);
    if (actual !== sha256.toLowerCase()) return `its sha256 is ${actual}, expected ${sha256.toLowerCase()}`;
  }
  return expected.check?.(bytes);
}
