import { describe, expect, it } from 'vitest';
import {
  contentLoss,
  convInputGradient,
  convRelu,
  gramMatrix,
  maxPoolGradient,
  maxPoolWithIndices,
  reluGradient,
  styleLoss,
  tvLoss,
} from '../../src/engine/runtimes/onnx/ops.js';
import { GraphBuilder } from '../../src/engine/runtimes/onnx/graph-builder.js';
import { randomSource, randomVgg } from '../support/random-vgg.js';
import {
  conv,
  fromChw,
  gram,
  hwc,
  maxPool,
  numericGradient,
  relativeError,
  relativeSquaredError,
  toChw,
  totalVariation,
  type Hwc,
} from './reference.js';
import { runGraph } from './run-graph.js';

function randomHwc(height: number, width: number, channels: number, seed: number, scale = 1): Hwc {
  const rand = randomSource(seed);
  return hwc(
    height,
    width,
    channels,
    Array.from({ length: height * width * channels }, () => rand() * scale),
  );
}

const nchw = (x: Hwc) => ({ data: toChw(x), dims: [1, x.channels, x.height, x.width] });
const plain = (x: Hwc) => ({ data: Float32Array.from(x.data), dims: [x.height, x.width, x.channels] });
const scalar = (value: number) => ({ data: Float32Array.of(value), dims: [] });
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
};

describe('GraphBuilder', () => {
  it('serialises int, int-list and string attributes that onnxruntime reads back', async () => {
    const { padded } = await runGraph(
      (b) => {
        const x = b.input('x', [2, 3]);
        const transposed = b.node('Transpose', [x], { perm: [1, 0] });
        return { padded: b.node('Pad', [transposed, b.ints([0, 1, 0, 0])], { mode: 'reflect' }) };
      },
      { x: { data: Float32Array.of(1, 2, 3, 4, 5, 6), dims: [2, 3] } },
    );
    // [[1,4],[2,5],[3,6]] with one reflected column in front.
    expect(Array.from(padded!)).toEqual([4, 1, 4, 5, 2, 5, 6, 3, 6]);
  });

  it('accepts symbolic dimensions, so one model serves several sizes', async () => {
    const build = (b: GraphBuilder) => ({ sum: b.node('ReduceSum', [b.input('x', ['h', 'w'])], { keepdims: 0 }) });
    for (const [h, w] of [
      [2, 3],
      [5, 1],
    ] as const) {
      const { sum } = await runGraph(build, { x: { data: new Float32Array(h * w).fill(1), dims: [h, w] } });
      expect(sum![0]).toBe(h * w);
    }
  });

  it('refuses fractional attributes instead of truncating them', () => {
    const b = new GraphBuilder();
    expect(() => b.node('Transpose', ['x'], { perm: [0.5, 1] })).toThrow(/integral/);
  });
});

describe('VGG ops against plain loops', () => {
  // 3 → 4 channels, then 4 → 5.
  const weights = randomVgg([4, 5], 11);
  const secondConv = weights.get('block1_conv2')!;

  it('computes a 3×3 same conv with bias and ReLU', async () => {
    const x = randomHwc(5, 6, 4, 3);
    const { y } = await runGraph((b) => ({ y: convRelu(b, b.input('x', [1, 4, 5, 6]), secondConv) }), { x: nchw(x) });
    const expected = conv(x, secondConv);
    expect(expected.data.some((v) => v === 0) && expected.data.some((v) => v > 0)).toBe(true);
    expect(relativeError(fromChw(5, 6, 5, y!).data, expected.data)).toBeLessThan(1e-6);
  });

  it("gives the conv's input-gradient, matching finite differences", async () => {
    const x = randomHwc(5, 6, 4, 4);
    const dy = randomHwc(5, 6, 5, 5);
    const { dx } = await runGraph((b) => ({ dx: convInputGradient(b, b.input('dy', [1, 5, 5, 6]), secondConv) }), {
      dy: nchw(dy),
    });
    const numeric = numericGradient(
      (probe) => dot(conv({ ...x, data: probe }, secondConv, false).data, dy.data),
      x.data,
      1e-3,
    );
    expect(relativeError(fromChw(5, 6, 4, dx!).data, numeric)).toBeLessThan(1e-5);
  });

  it('passes the gradient only where the ReLU output is positive', async () => {
    const output = Float32Array.of(0, 2, 0, 0.5);
    const { dz } = await runGraph((b) => ({ dz: reluGradient(b, b.input('g', [4]), b.input('f', [4])) }), {
      g: { data: Float32Array.of(1, -2, 3, -4), dims: [4] },
      f: { data: output, dims: [4] },
    });
    expect(Array.from(dz!)).toEqual([0, -2, 0, -4]);
  });

  for (const [height, width] of [
    [6, 4],
    [5, 7],
  ] as const) {
    it(`max-pools ${height}×${width} and routes the gradient to each window's maximum`, async () => {
      const x = randomHwc(height, width, 2, 6);
      const pooledReference = maxPool(x);
      const dy = randomHwc(pooledReference.height, pooledReference.width, 2, 7);
      const { pooled, dx } = await runGraph(
        (b) => {
          const input = b.input('x', [1, 2, height, width]);
          const pool = maxPoolWithIndices(b, input);
          const gradient = b.input('dy', [1, 2, pooledReference.height, pooledReference.width]);
          return { pooled: pool.output, dx: maxPoolGradient(b, gradient, pool, input) };
        },
        { x: nchw(x), dy: nchw(dy) },
      );
      expect(
        relativeError(fromChw(pooledReference.height, pooledReference.width, 2, pooled!).data, pooledReference.data),
      ).toBeLessThan(1e-7);
      const numeric = numericGradient((probe) => dot(maxPool({ ...x, data: probe }).data, dy.data), x.data, 1e-4);
      const gradient = fromChw(height, width, 2, dx!);
      expect(relativeError(gradient.data, numeric)).toBeLessThan(1e-6);
      // The row and column an odd size drops get no gradient.
      if (height % 2 === 1) expect(gradient.data.slice((height - 1) * width * 2).every((v) => v === 0)).toBe(true);
    });
  }
});

describe('loss terms against losses.md', () => {
  const features = randomHwc(3, 5, 4, 8, 2);

  it('computes the content loss and its scaled gradient', async () => {
    const target = randomHwc(3, 5, 4, 9, 2);
    const { loss, gradient } = await runGraph(
      (b) => {
        const term = contentLoss(b, b.input('f', [1, 4, 3, 5]), b.input('p', [3, 5, 4]), b.input('scale', []));
        return { loss: term.loss, gradient: term.gradient };
      },
      { f: nchw(features), p: plain(target), scale: scalar(3) },
    );
    const reference = (probe: Float64Array) => relativeSquaredError(probe, target.data);
    expect(loss![0]).toBeCloseTo(reference(features.data), 5);
    const numeric = numericGradient((probe) => 3 * reference(probe), features.data, 1e-4);
    expect(relativeError(fromChw(3, 5, 4, gradient!).data, numeric)).toBeLessThan(1e-6);
  });

  it('computes the Gram matrix FᵀF / M', async () => {
    const { g } = await runGraph((b) => ({ g: gramMatrix(b, b.input('f', [1, 4, 3, 5]), 4).gram }), {
      f: nchw(features),
    });
    expect(relativeError(g!, gram(features))).toBeLessThan(1e-6);
  });

  it('computes the style loss and its scaled gradient, even against an asymmetric target', async () => {
    const target = randomHwc(4, 4, 1, 10, 3).data;
    const { loss, gradient } = await runGraph(
      (b) => {
        const term = styleLoss(b, b.input('f', [1, 4, 3, 5]), 4, b.input('a', [4, 4]), b.input('scale', []));
        return { loss: term.loss, gradient: term.gradient };
      },
      { f: nchw(features), a: { data: Float32Array.from(target), dims: [4, 4] }, scale: scalar(0.5) },
    );
    const reference = (probe: Float64Array) => relativeSquaredError(gram({ ...features, data: probe }), target);
    expect(loss![0]).toBeCloseTo(reference(features.data), 5);
    const numeric = numericGradient((probe) => 0.5 * reference(probe), features.data, 1e-4);
    expect(relativeError(fromChw(3, 5, 4, gradient!).data, numeric)).toBeLessThan(1e-5);
  });

  it('computes the total variation and its scaled gradient', async () => {
    const image = randomHwc(5, 4, 3, 12, 100);
    const { loss, gradient } = await runGraph(
      (b) => {
        const term = tvLoss(b, b.input('x', ['h', 'w', 3]), b.input('scale', []));
        return { loss: term.loss, gradient: term.gradient };
      },
      { x: plain(image), scale: scalar(2) },
    );
    expect(loss![0]! / totalVariation(image)).toBeCloseTo(1, 6);
    const numeric = numericGradient((probe) => 2 * totalVariation({ ...image, data: probe }), image.data, 1e-3);
    expect(relativeError(gradient!, numeric)).toBeLessThan(1e-6);
  });
});
