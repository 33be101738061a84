import type { Evaluator, EvaluatorSpec, Runtime } from '../../src/engine/runtimes/runtime.js';

/** Loss evaluations a job spent, and their cost in evaluations at the output's own size (cost ∝ pixels). */
export interface EvaluationCount {
  evaluations: number;
  pixels: number;
}

/**
 * `runtime`, with `evaluated` told of every loss evaluation once it has returned: the spec its evaluator was made
 * for, and the picture evaluated. The bench's runtimes watch a job this way without changing what it computes.
 */
export function observedRuntime(
  runtime: Runtime,
  evaluated: (spec: EvaluatorSpec, image: Float32Array) => void,
): Runtime {
  return {
    name: runtime.name,
    maxSide: runtime.maxSide,
    features: (image, layer) => runtime.features(image, layer),
    grams: (image, layers) => runtime.grams(image, layers),
    async evaluator(spec: EvaluatorSpec): Promise<Evaluator> {
      const inner = await runtime.evaluator(spec);
      return {
        async evaluate(image) {
          const evaluation = await inner.evaluate(image);
          evaluated(spec, image);
          return evaluation;
        },
        dispose: () => inner.dispose(),
      };
    },
    dispose: () => runtime.dispose(),
  };
}

/** A runtime that counts loss evaluations, so runs can be compared independently of how loaded the machine is. */
export function countingRuntime(runtime: Runtime, count: EvaluationCount): Runtime {
  return observedRuntime(runtime, (spec) => {
    count.evaluations++;
    count.pixels += spec.width * spec.height;
  });
}
