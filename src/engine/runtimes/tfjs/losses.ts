import * as tf from '@tensorflow/tfjs-core';

/** The loss terms of ../../losses.md as tfjs ops; each returns a scalar. */

export function contentLoss(features: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.mean(tf.squaredDifference(features, target));
}

export function styleLayerLoss(gramMatrix: tf.Tensor2D, target: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.squaredDifference(gramMatrix, target));
}

export function totalVariation(image: tf.Tensor4D): tf.Scalar {
  const [, h, w, c] = image.shape;
  const dx = tf.sub(tf.slice(image, [0, 0, 1, 0], [1, h, w - 1, c]), tf.slice(image, [0, 0, 0, 0], [1, h, w - 1, c]));
  const dy = tf.sub(tf.slice(image, [0, 1, 0, 0], [1, h - 1, w, c]), tf.slice(image, [0, 0, 0, 0], [1, h - 1, w, c]));
  return tf.div(tf.add(tf.sum(tf.square(dx)), tf.sum(tf.square(dy))), h * w * c);
}
