import type { Evaluator, EvaluatorSpec, Runtime } from '../../src/engine/runtimes/runtime.js';

/** Loss evaluations a job spent, and their cost in evaluations at the output's own size (cost ∝ pixels). */
export interface EvaluationCount {
  evaluations: number;
  pixels: number;
}

/** A runtime that counts loss evaluations, so runs can be compared independently of how loaded the machine is. */
export function countingRuntime(runtime: Runtime, count: EvaluationCount): Runtime {
  return {
    name: runtime.name,
    maxSide: runtime.maxSide,
    features: (image, layer) => runtime.features(image, layer),
    grams: (image, layers) => runtime.grams(image, layers),
    async evaluator(spec: EvaluatorSpec): Promise<Evaluator> {
      const inner = await runtime.evaluator(spec);
      return {
        evaluate(image) {
          count.evaluations++;
          count.pixels += spec.width * spec.height;
          return inner.evaluate(image);
        },
        dispose: () => inner.dispose(),
      };
    },
    dispose: () => runtime.dispose(),
  };
}
