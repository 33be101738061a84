import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LayerName } from '../../src/engine/vgg19.js';
import { loadConvWeights } from '../../src/engine/weights/load.js';
import type { ConvWeights } from '../../src/engine/weights/types.js';
import { randomVgg } from '../support/random-vgg.js';
import { serveDirectory, type StaticServer } from '../support/static-server.js';
import { expectWeightsError } from './expect-weights-error.js';

interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number };
}
interface ManifestGroup {
  paths: string[];
  weights: ManifestWeight[];
}

/**
 * Writes `groups` as a tfjs model in the layout of the public per-layer VGG19 conversion:
 * one group per layer, each cut into shards of `shardSize` bytes (the last one shorter).
 */
async function writeModel(dir: string, groups: { weights: ManifestWeight[]; bytes: Uint8Array }[], shardSize: number) {
  const manifest: ManifestGroup[] = [];
  for (const [g, group] of groups.entries()) {
    const count = Math.max(1, Math.ceil(group.bytes.byteLength / shardSize));
    const paths = Array.from({ length: count }, (_, s) => `group${g + 1}-shard${s + 1}of${count}`);
    for (const [s, path] of paths.entries()) {
      await writeFile(join(dir, path), group.bytes.subarray(s * shardSize, (s + 1) * shardSize));
    }
    manifest.push({ paths, weights: group.weights });
  }
  await writeFile(join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', weightsManifest: manifest }));
}

function float32Group(conv: ConvWeights) {
  const values = new Float32Array([...conv.kernel, ...conv.bias]);
  return {
    weights: [
      { name: `${conv.layer}/kernel`, shape: [3, 3, conv.inChannels, conv.outChannels], dtype: 'float32' },
      { name: `${conv.layer}/bias`, shape: [conv.outChannels], dtype: 'float32' },
    ],
    bytes: new Uint8Array(values.buffer),
  };
}

/** A head the loader must skip: it sits after the convs and is never needed. */
const HEAD_GROUP = {
  weights: [
    { name: 'fc1/kernel', shape: [8, 2], dtype: 'float32' },
    { name: 'fc1/bias', shape: [2], dtype: 'float32' },
  ],
  bytes: new Uint8Array(72),
};

const layersOf = (channels: number[]) => randomVgg(channels, 7);

let dir: string;
let cacheDir: string;
const servers: StaticServer[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'easel-tiny-vgg-'));
  cacheDir = await mkdtemp(join(tmpdir(), 'easel-weights-cache-'));
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await rm(dir, { recursive: true, force: true });
  await rm(cacheDir, { recursive: true, force: true });
});

async function serve(): Promise<StaticServer> {
  const server = await serveDirectory(dir);
  servers.push(server);
  return server;
}

describe('a model with one group per layer', () => {
  const convs = layersOf([4, 4]);
  const conv1 = convs.get('block1_conv1') as ConvWeights;
  const conv2 = convs.get('block1_conv2') as ConvWeights;
  // 448 and 592 bytes: group 1 fits one shard, group 2 is cut into 512 + 80 bytes.
  const writeTiny = () => writeModel(dir, [float32Group(conv1), float32Group(conv2), HEAD_GROUP], 512);

  it('loads every layer up to the deepest one asked for, from a local folder', async () => {
    await writeTiny();
    const loaded = await loadConvWeights({ location: dir, cacheDir }, ['block1_conv2']);

    expect([...loaded.keys()]).toEqual(['block1_conv1', 'block1_conv2']);
    for (const conv of [conv1, conv2]) {
      const got = loaded.get(conv.layer) as ConvWeights;
      expect(got.inChannels).toBe(conv.inChannels);
      expect(got.outChannels).toBe(conv.outChannels);
      expect(got.kernel).toEqual(conv.kernel);
      expect(got.bias).toEqual(conv.bias);
    }
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('never opens the files of groups it does not need', async () => {
    await writeTiny();
    await rm(join(dir, 'group3-shard1of1'));
    await rm(join(dir, 'group2-shard1of2'));

    const loaded = await loadConvWeights({ location: join(dir, 'model.json'), cacheDir }, ['block1_conv1']);
    expect(loaded.get('block1_conv1')?.kernel).toEqual(conv1.kernel);
  });

  it('downloads only the groups of the layers asked for, and caches them', async () => {
    await writeTiny();
    const server = await serve();
    const fetched: string[] = [];
    const source = { location: `${server.url}model.json`, cacheDir };

    await loadConvWeights(source, ['block1_conv1'], { onFetch: (file) => fetched.push(file) });
    expect(server.requests).toEqual(['/model.json', '/group1-shard1of1']);
    expect(fetched).toEqual(['model.json', 'group1-shard1of1']);

    const loaded = await loadConvWeights(source, ['block1_conv2', 'block1_conv1']);
    expect(server.requests.slice(2)).toEqual(['/group2-shard1of2', '/group2-shard2of2']);
    expect(loaded.get('block1_conv2')?.kernel).toEqual(conv2.kernel);
    expect(loaded.get('block1_conv2')?.bias).toEqual(conv2.bias);
  });

  it('takes a URL of the folder as well as of model.json', async () => {
    await writeTiny();
    const server = await serve();
    const loaded = await loadConvWeights({ location: server.url.replace(/\/$/, ''), cacheDir }, ['block1_conv1']);
    expect(loaded.get('block1_conv1')?.bias).toEqual(conv1.bias);
  });

  it('reports a shard of the wrong size as corrupt, naming it', async () => {
    await writeTiny();
    await writeFile(join(dir, 'group2-shard2of2'), new Uint8Array(79));
    const error = await expectWeightsError(
      loadConvWeights({ location: dir, cacheDir }, ['block1_conv2']),
      'weights-corrupt',
    );
    expect(error.message).toContain(join(dir, 'group2-shard2of2'));
    expect(error.message).toContain('79 bytes');
  });

  it('reports a missing shard file with its path and how to fix it', async () => {
    await writeTiny();
    await rm(join(dir, 'group1-shard1of1'));
    const error = await expectWeightsError(
      loadConvWeights({ location: dir, cacheDir }, ['block1_conv1']),
      'weights-missing',
    );
    expect(error.message).toContain(join(dir, 'group1-shard1of1'));
    expect(error.message).toContain('EASEL_VGG19');
  });

  it('checks sha256 of local files when configured', async () => {
    await writeTiny();
    const sha256 = { 'group1-shard1of1': '0'.repeat(64) };
    const error = await expectWeightsError(
      loadConvWeights({ location: dir, cacheDir, sha256 }, ['block1_conv1']),
      'weights-corrupt',
    );
    expect(error.message).toContain('sha256');
  });
});

describe('model.json contents', () => {
  const convs = layersOf([4, 4]);
  const conv1 = convs.get('block1_conv1') as ConvWeights;
  const conv2 = convs.get('block1_conv2') as ConvWeights;

  it('decodes uint8 and float16 quantized weights', async () => {
    const scale = 0.01;
    const min = -1;
    const kernelCodes = Uint8Array.from({ length: 108 }, (_, i) => (i * 37) % 256);
    const halfOne = 0x3c00;
    const halfMinusTwo = 0xc000;
    const halfTiny = 0x0001;
    const biasHalves = new Uint16Array([halfOne, halfMinusTwo, halfTiny, 0]);
    await writeModel(
      dir,
      [
        {
          weights: [
            {
              name: 'block1_conv1/kernel',
              shape: [3, 3, 3, 4],
              dtype: 'float32',
              quantization: { dtype: 'uint8', scale, min },
            },
            { name: 'block1_conv1/bias', shape: [4], dtype: 'float32', quantization: { dtype: 'float16' } },
          ],
          bytes: new Uint8Array([...kernelCodes, ...new Uint8Array(biasHalves.buffer)]),
        },
      ],
      4096,
    );

    const loaded = (await loadConvWeights({ location: dir, cacheDir }, ['block1_conv1'])).get('block1_conv1');
    expect(loaded?.kernel).toEqual(Float32Array.from(kernelCodes, (q) => q * scale + min));
    expect(loaded?.bias).toEqual(new Float32Array([1, -2, 2 ** -24, 0]));
  });

  it('rejects a layer whose input channels do not match the layer before', async () => {
    const wrongInput = { ...conv2, inChannels: 5, kernel: new Float32Array(9 * 5 * 4) };
    await writeModel(dir, [float32Group(conv1), float32Group(wrongInput)], 4096);
    const error = await expectWeightsError(
      loadConvWeights({ location: dir, cacheDir }, ['block1_conv2']),
      'weights-corrupt',
    );
    expect(error.message).toContain('block1_conv2/kernel');
    expect(error.message).toContain('5 input channels');
  });

  it('rejects a first layer that does not take RGB', async () => {
    const grey = { ...conv1, inChannels: 1, kernel: new Float32Array(9 * 4) };
    await writeModel(dir, [float32Group(grey)], 4096);
    await expectWeightsError(loadConvWeights({ location: dir, cacheDir }, ['block1_conv1']), 'weights-corrupt');
  });

  it('rejects a model without the layers asked for', async () => {
    await writeModel(dir, [float32Group(conv1)], 4096);
    const error = await expectWeightsError(
      loadConvWeights({ location: dir, cacheDir }, ['block2_conv1']),
      'weights-corrupt',
    );
    expect(error.message).toContain('block1_conv2/kernel');
  });

  it('rejects weights that are not float32', async () => {
    const group = float32Group(conv1);
    group.weights[0] = { name: 'block1_conv1/kernel', shape: [3, 3, 3, 4], dtype: 'int32' };
    await writeModel(dir, [group], 4096);
    const error = await expectWeightsError(
      loadConvWeights({ location: dir, cacheDir }, ['block1_conv1']),
      'weights-corrupt',
    );
    expect(error.message).toContain('int32');
  });

  it('rejects shard paths that leave the model folder', async () => {
    await writeFile(
      join(dir, 'model.json'),
      JSON.stringify({ weightsManifest: [{ paths: ['../outside'], weights: float32Group(conv1).weights }] }),
    );
    await expectWeightsError(loadConvWeights({ location: dir, cacheDir }, ['block1_conv1']), 'weights-corrupt');
  });

  it('rejects a model.json that is not JSON', async () => {
    await writeFile(join(dir, 'model.json'), '<html>Not Found</html>');
    const error = await expectWeightsError(
      loadConvWeights({ location: dir, cacheDir }, ['block1_conv1']),
      'weights-corrupt',
    );
    expect(error.message).toContain(join(dir, 'model.json'));
  });
});

describe('locations that do not hold a model', () => {
  it('names a missing folder and says how to point at the weights', async () => {
    const missing = join(dir, 'no-such-folder');
    const error = await expectWeightsError(
      loadConvWeights({ location: missing, cacheDir }, ['block1_conv1']),
      'weights-missing',
    );
    expect(error.message).toContain(missing);
    expect(error.message).toContain('EASEL_VGG19');
  });

  it('names a folder without model.json', async () => {
    const error = await expectWeightsError(
      loadConvWeights({ location: dir, cacheDir }, ['block1_conv1']),
      'weights-missing',
    );
    expect(error.message).toContain(join(dir, 'model.json'));
  });

  it('refuses URL schemes other than http(s)', async () => {
    await expectWeightsError(
      loadConvWeights({ location: 'ftp://127.0.0.1/model.json', cacheDir }, ['block1_conv1']),
      'weights-missing',
    );
  });

  it('loads nothing when no layers are asked for', async () => {
    const loaded = await loadConvWeights({ location: join(dir, 'no-such-folder'), cacheDir }, [] as LayerName[]);
    expect(loaded.size).toBe(0);
  });
});
