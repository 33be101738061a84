/** How a weight's values are stored in the shards: as its own dtype, or quantized by the tfjs converter. */
export type StoredAs =
  | { readonly kind: 'raw' }
  | { readonly kind: 'uint8' | 'uint16'; readonly scale: number; readonly min: number }
  | { readonly kind: 'float16' };

/** One entry of a tfjs `weightsManifest` group, with its place in the group's concatenated bytes. */
export interface WeightEntry {
  readonly name: string;
  readonly shape: readonly number[];
  /** The logical dtype; only float32 weights can be decoded. */
  readonly dtype: string;
  readonly storedAs: StoredAs;
  readonly offset: number;
  readonly byteLength: number;
}

export interface WeightGroup {
  /** Shard file names, relative to model.json, in order. */
  readonly paths: readonly [string, ...string[]];
  readonly entries: readonly WeightEntry[];
  /** Sum of the entries' byte lengths, which is also the sum of the shard sizes. */
  readonly byteLength: number;
}

export interface WeightsManifest {
  readonly groups: readonly WeightGroup[];
  readonly byName: ReadonlyMap<string, WeightEntry>;
}

export type ManifestParse = { readonly manifest: WeightsManifest } | { readonly problem: string };

const BYTES_PER_ELEMENT: Readonly<Record<string, number>> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** Shard paths become file names in the cache folder, so anything that could climb out of it is refused. */
const PLAIN_FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

class ManifestProblem extends Error {}

/** Reads the `weightsManifest` of a tfjs layers-model model.json; other keys are ignored. */
export function parseManifest(bytes: Uint8Array): ManifestParse {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return { problem: 'it is not valid JSON' };
  }
  try {
    return { manifest: readManifest(json) };
  } catch (error) {
    if (error instanceof ManifestProblem) return { problem: error.message };
    throw error;
  }
}

function readManifest(json: unknown): WeightsManifest {
  const groupsJson = isRecord(json) ? json['weightsManifest'] : undefined;
  if (!Array.isArray(groupsJson) || groupsJson.length === 0) {
    throw new ManifestProblem('it has no "weightsManifest" list, so it is not a tfjs layers model');
  }
  const byName = new Map<string, WeightEntry>();
  const groups = groupsJson.map((groupJson: unknown, g) => {
    const group = readGroup(groupJson, g + 1);
    for (const entry of group.entries) {
      if (byName.has(entry.name)) throw new ManifestProblem(`weight "${entry.name}" is listed twice`);
      byName.set(entry.name, entry);
    }
    return group;
  });
  return { groups, byName };
}

function readGroup(json: unknown, number: number): WeightGroup {
  if (!isRecord(json)) throw new ManifestProblem(`weight group ${number} is not an object`);
  const { paths, weights } = json;
  if (!isShardList(paths)) {
    throw new ManifestProblem(`weight group ${number} needs "paths", a list of shard file names next to model.json`);
  }
  if (!Array.isArray(weights)) throw new ManifestProblem(`weight group ${number} has no "weights" list`);
  let offset = 0;
  const entries = weights.map((weightJson: unknown) => {
    const entry = readEntry(weightJson, number, offset);
    offset += entry.byteLength;
    return entry;
  });
  return { paths, entries, byteLength: offset };
}

function readEntry(json: unknown, group: number, offset: number): WeightEntry {
  if (!isRecord(json) || typeof json['name'] !== 'string') {
    throw new ManifestProblem(`a weight in group ${group} has no name`);
  }
  const { name, shape, dtype, quantization } = json;
  if (!Array.isArray(shape) || !shape.every((d): d is number => Number.isSafeInteger(d) && d >= 0)) {
    throw new ManifestProblem(`weight "${name}" has no valid shape`);
  }
  if (typeof dtype !== 'string') throw new ManifestProblem(`weight "${name}" has no dtype`);
  const storedAs = readStoredAs(quantization, dtype, name);
  const bytesPerElement = BYTES_PER_ELEMENT[storedAs.kind === 'raw' ? dtype : storedAs.kind];
  if (bytesPerElement === undefined) {
    throw new ManifestProblem(`weight "${name}" has dtype "${dtype}", whose size easel does not know`);
  }
  const elements = shape.reduce((product, d) => product * d, 1);
  return { name, shape, dtype, storedAs, offset, byteLength: elements * bytesPerElement };
}

function readStoredAs(json: unknown, dtype: string, name: string): StoredAs {
  if (json === undefined) return { kind: 'raw' };
  const kind = isRecord(json) ? json['dtype'] : undefined;
  if (kind === 'float16') return { kind };
  if ((kind === 'uint8' || kind === 'uint16') && isRecord(json)) {
    const { scale, min } = json;
    if (typeof scale === 'number' && typeof min === 'number' && Number.isFinite(scale) && Number.isFinite(min)) {
      return { kind, scale, min };
    }
  }
  throw new ManifestProblem(`weight "${name}" (${dtype}) has a quantization easel cannot read`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isShardList(value: unknown): value is [string, ...string[]] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((path) => typeof path === 'string' && PLAIN_FILE_NAME.test(path))
  );
}
