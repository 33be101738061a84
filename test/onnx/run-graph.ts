import ort from 'onnxruntime-node';
import { GraphBuilder } from '../../src/engine/runtimes/onnx/graph-builder.js';

export interface Feed {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/**
 * Builds a small graph, runs it once on onnxruntime-node and returns its outputs by name.
 * `build` declares the graph's inputs (named like `feeds`) and returns the values to output.
 */
export async function runGraph(
  build: (b: GraphBuilder) => Record<string, string>,
  feeds: Readonly<Record<string, Feed>>,
): Promise<Record<string, Float32Array>> {
  const b = new GraphBuilder();
  const outputs = build(b);
  for (const [name, value] of Object.entries(outputs)) b.output(name, value);
  const session = await ort.InferenceSession.create(b.toBytes('test'), { intraOpNumThreads: 1 });
  try {
    const tensors = Object.fromEntries(
      Object.entries(feeds).map(([name, { data, dims }]) => [name, new ort.Tensor('float32', data, dims)]),
    );
    const results = await session.run(tensors);
    return Object.fromEntries(Object.keys(outputs).map((name) => [name, results[name]!.data as Float32Array]));
  } finally {
    await session.release();
  }
}
