import { openAssetFolder, type AssetsSource, type OpenAssetOptions } from '../../assets/index.js';
import { UserError } from '../../errors.js';
import { decodeFloat32 } from '../weights/decode.js';
import { WeightsError } from '../weights/errors.js';
import {
  ARCHITECTURE,
  kernelShape,
  variableName,
  type ConvLayer,
  type LayerShape,
  type Stage,
  type StyleNetwork,
} from './network.js';
import { isNetworkId, NETWORK_IDS, SHIPPED_NETWORKS } from './shipped-networks.js';

const MANIFEST = 'manifest.json';
const MAX_MANIFEST_BYTES = 1024 * 1024;

export class UnknownNetworkError extends UserError {
  constructor(id: string) {
    super('unknown-network', `There is no style network called "${id}". Known networks: ${NETWORK_IDS.join(', ')}.`);
  }
}

/** manifest.json: each variable's file name (next to the manifest) and shape. */
type Manifest = ReadonlyMap<string, { readonly filename: string; readonly shape: readonly number[] }>;

const PLAIN_FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * Reads the network `id` from <assets>/models/fast/<id>/: manifest.json plus one raw little-endian float32 file per
 * variable, each checked against the shipped sha256 table and against the architecture's shapes.
 */
export async function loadStyleNetwork(
  source: AssetsSource,
  id: string,
  options: OpenAssetOptions = {},
): Promise<StyleNetwork> {
  if (!isNetworkId(id)) throw new UnknownNetworkError(id);
  const what = `"${id}" style network`;
  const store = await openAssetFolder(source, `models/fast/${id}`, MANIFEST, what, SHIPPED_NETWORKS[id], options);
  let manifest: Manifest | undefined;
  await store.read(MANIFEST, {
    length: { min: 2, max: MAX_MANIFEST_BYTES },
    check: (bytes) => {
      const parsed = parseManifest(bytes);
      if (typeof parsed === 'string') return parsed;
      manifest = parsed;
      return undefined;
    },
  });
  if (manifest === undefined) throw new Error('manifest.json was read without being checked');
  const entries = manifest;

  let next = 0;
  // One file at a time, so a failed download leaves none running behind it.
  const readLayer = async (shape: LayerShape): Promise<ConvLayer> => {
    const kernel = await readVariable(next++, kernelShape(shape));
    const shift = await readVariable(next++, [shape.outChannels]);
    const scale = await readVariable(next++, [shape.outChannels]);
    return { ...shape, kernel, shift, scale };
  };
  const readVariable = async (index: number, dims: readonly number[]): Promise<Float32Array> => {
    const name = variableName(index);
    const entry = entries.get(name);
    const corrupt = (problem: string): WeightsError =>
      new WeightsError(
        'weights-corrupt',
        `${store.describe(MANIFEST)} does not describe the network easel runs: ${problem}.`,
      );
    if (entry === undefined) throw corrupt(`it has no variable ${name}`);
    if (entry.shape.join(',') !== dims.join(',')) {
      throw corrupt(`${name} has shape [${entry.shape.join(', ')}] instead of [${dims.join(', ')}]`);
    }
    const bytes = dims.reduce((a, b) => a * b, 1) * 4;
    const data = await store.read(entry.filename, { length: { min: bytes, max: bytes } });
    return decodeFloat32(data, { kind: 'raw' });
  };

  const stages: Stage[] = [];
  for (const shapes of ARCHITECTURE) {
    options.signal?.throwIfAborted();
    const [first, second] = shapes;
    if (second === undefined) stages.push({ kind: 'layer', layer: await readLayer(first!) });
    else stages.push({ kind: 'residual', first: await readLayer(first!), second: await readLayer(second) });
  }
  return { id, stages };
}

function parseManifest(bytes: Uint8Array): Manifest | string {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return 'it is not valid JSON';
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'it is not a JSON object';
  const manifest = new Map<string, { filename: string; shape: number[] }>();
  for (const [name, value] of Object.entries(json)) {
    const { filename, shape } = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    if (typeof filename !== 'string' || !PLAIN_FILE_NAME.test(filename)) {
      return `variable ${name} has no plain file name`;
    }
    if (!Array.isArray(shape) || !shape.every((d): d is number => Number.isSafeInteger(d) && d > 0)) {
      return `variable ${name} has no valid shape`;
    }
    manifest.set(name, { filename, shape });
  }
  return manifest;
}
