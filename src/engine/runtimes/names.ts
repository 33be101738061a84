/**
 * Every runtime's name, in the order they are tried when none is forced: a GPU first, then ONNX Runtime, the fastest
 * on CPUs (4–9× tfjs's wasm here). A leaf module, so validating EASEL_BACKEND loads no runtime.
 */
export const RUNTIME_NAMES = ['tfjs-node-gpu', 'onnx', 'tfjs-node', 'wasm', 'cpu'] as const;
export type RuntimeName = (typeof RUNTIME_NAMES)[number];

export function isRuntimeName(name: string): name is RuntimeName {
  return (RUNTIME_NAMES as readonly string[]).includes(name);
}
