import * as tf from '@tensorflow/tfjs-core';
import { MIN_SQUARED_NORM } from '../../losses.js';

/** The loss terms of ../../losses.md as tfjs ops; each returns a scalar. */

/**
 * Sum of all elements, row by row first: tf.sum accumulates in one float32 running total, which drifts
 * by ~2e-4 relative over a 512×512 Gram matrix; two stages keep it near 1e-6, in line with the other runtimes.
 */
function sum(x: tf.Tensor): tf.Scalar {
  return tf.sum(tf.sum(x, -1));
}

/** ‖x − target‖² / ‖target‖²: the content term, and each style layer's term on Gram matrices. */
function relativeSquaredError(x: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.div(sum(tf.squaredDifference(x, target)), tf.maximum(sum(tf.square(target)), MIN_SQUARED_NORM));
}

export function contentLoss(features: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return relativeSquaredError(features, target);
}

export function styleLayerLoss(gramMatrix: tf.Tensor2D, target: tf.Tensor2D): tf.Scalar {
  return relativeSquaredError(gramMatrix, target);
}

export function totalVariation(image: tf.Tensor4D): tf.Scalar {
  const [, h, w, c] = image.shape;
  const dx = tf.sub(tf.slice(image, [0, 0, 1, 0], [1, h, w - 1, c]), tf.slice(image, [0, 0, 0, 0], [1, h, w - 1, c]));
  const dy = tf.sub(tf.slice(image, [0, 1, 0, 0], [1, h - 1, w, c]), tf.slice(image, [0, 0, 0, 0], [1, h - 1, w, c]));
  const sumSquares = (d: tf.Tensor): tf.Tensor => tf.sum(tf.sum(tf.square(d), -1));
  return tf.div(tf.add(sumSquares(dx), sumSquares(dy)), h * w * c);
}
