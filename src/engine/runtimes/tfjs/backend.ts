import * as tf from '@tensorflow/tfjs-core';
import type { RuntimeName } from '../names.js';

/** The runtimes that are tfjs backends; the native ones are optional dependencies that may not have installed. */
export type TfjsBackendName = Exclude<RuntimeName, 'onnx'>;

/** Registered tfjs backend name for each of ours. */
const TF_NAME: Record<TfjsBackendName, string> = {
  'tfjs-node-gpu': 'tensorflow',
  'tfjs-node': 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

/** Native packages are optional: held in variables so the compiler does not require them to be installed. */
const NATIVE_PACKAGES = { gpu: '@tensorflow/tfjs-node-gpu', cpu: '@tensorflow/tfjs-node' };

/**
 * Loads and activates one tfjs backend. Throws if it cannot load: a native package whose install
 * script failed throws from `import` with no error code, so callers must treat any error as "unavailable".
 */
export async function activateTfjsBackend(name: TfjsBackendName): Promise<void> {
  switch (name) {
    case 'tfjs-node-gpu':
      await import(NATIVE_PACKAGES.gpu);
      break;
    case 'tfjs-node':
      await import(NATIVE_PACKAGES.cpu);
      break;
    case 'wasm':
      // Threads stay off: tfjs disables them in Node, and the workarounds patch globals and have hung here.
      await import('@tensorflow/tfjs-backend-wasm');
      break;
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      break;
  }
  if (!(await tf.setBackend(TF_NAME[name]))) throw new Error(`tfjs backend ${name} failed to initialise`);
  await tf.ready();
}

/** Largest output side per backend: wasm's heap stops at 4 GB and never shrinks (~2.9 GB RSS at 512 px). */
export const TFJS_MAX_SIDE: Record<TfjsBackendName, number> = {
  'tfjs-node-gpu': 2048,
  'tfjs-node': 1024,
  wasm: 512,
  cpu: 256,
};
