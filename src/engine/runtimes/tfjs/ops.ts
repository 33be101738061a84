import * as tf from '@tensorflow/tfjs-core';
// Registers every op's gradient: tfjs-core's own register_all_gradients module only loads through a bundler.
import '@tensorflow/tfjs';

/**
 * 3×3 'same' conv plus bias whose input-gradient is a forward conv of dy with the flipped, in/out-transposed
 * kernel. Exact for stride 1, 'same' padding and odd kernels, and on wasm it runs on the fast XNNPACK
 * forward conv instead of Conv2DBackpropInput (~9× slower there). The kernel is a constant: no weight gradient.
 */
export function makeConv(
  kernel: tf.Tensor4D,
  bias: tf.Tensor1D,
): { apply: (x: tf.Tensor4D) => tf.Tensor4D; dispose: () => void } {
  const flipped = tf.tidy(() => tf.transpose<tf.Tensor4D>(tf.reverse(kernel, [0, 1]), [0, 1, 3, 2]));
  const apply = tf.customGrad((...args) => {
    const x = args[0] as tf.Tensor4D;
    return {
      value: tf.add<tf.Tensor4D>(tf.conv2d(x, kernel, 1, 'same'), bias),
      gradFunc: (dy: tf.Tensor4D) => tf.conv2d(dy, flipped, 1, 'same'),
    };
  }) as (x: tf.Tensor4D) => tf.Tensor4D;
  return { apply, dispose: () => flipped.dispose() };
}

/**
 * Gram matrix Fᵀ·F / M of activations [1, h, w, c] viewed as M = h·w rows of c features.
 * An explicit transpose and a custom gradient F·(dG + dGᵀ)/M, because on wasm a matMul with
 * transpose flags (as the stock gradient uses) is about 8× slower.
 */
export const gram = tf.customGrad((...args) => {
  const features = args[0] as tf.Tensor4D;
  const save = args[1] as tf.GradSaveFunc;
  const [, h, w, c] = features.shape;
  const m = h * w;
  const f = tf.reshape<tf.Rank.R2>(features, [m, c]);
  // Tensors made here are freed after the forward pass unless saved for the gradient.
  save([f]);
  return {
    value: tf.div(tf.matMul(tf.transpose(f), f), m),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const sym = tf.add<tf.Tensor2D>(dy, tf.transpose(dy));
      return tf.reshape(tf.div(tf.matMul(saved[0] as tf.Tensor2D, sym), m), features.shape);
    },
  };
}) as (features: tf.Tensor4D) => tf.Tensor2D;

/** Repeats each pixel of [1, h, w, c] into a 2×2 block: [1, 2h, 2w, c]. */
function upsample2x(t: tf.Tensor4D): tf.Tensor4D {
  const [, h, w] = t.shape;
  return tf.image.resizeNearestNeighbor(t, [2 * h, 2 * w]);
}

/**
 * 2×2 max-pool, stride 2, 'valid', whose gradient routes dy to the positions equal to their window's maximum.
 * Stock MaxPoolGrad is a slow scalar loop on wasm; this is a few vectorised passes. Ties would share the
 * gradient, but after a ReLU they only occur at zero, where the ReLU's own gradient is zero anyway.
 */
export const maxPool2x2 = tf.customGrad((...args) => {
  const x = args[0] as tf.Tensor4D;
  const save = args[1] as tf.GradSaveFunc;
  const pooled = tf.maxPool(x, 2, 2, 'valid');
  save([x, pooled]);
  return {
    value: pooled,
    gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
      const [input, out] = saved as [tf.Tensor4D, tf.Tensor4D];
      const [, h, w, c] = input.shape;
      const [, ph, pw] = out.shape;
      const covered = tf.slice(input, [0, 0, 0, 0], [1, 2 * ph, 2 * pw, c]);
      const routed = tf.mul(upsample2x(dy), tf.cast(tf.equal(covered, upsample2x(out)), 'float32'));
      // Odd sizes: the last row or column took part in no window and gets no gradient.
      return tf.pad(routed, [
        [0, 0],
        [0, h - 2 * ph],
        [0, w - 2 * pw],
        [0, 0],
      ]);
    },
  };
}) as (x: tf.Tensor4D) => tf.Tensor4D;
