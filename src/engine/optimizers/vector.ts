/** Dot product accumulated in float64, so millions of float32 terms do not drown in rounding error. */
export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/**
 * out += scale·x, returning w·out as it is afterwards: one pass where a separate update and dot product would take two,
 * which matters in L-BFGS's two-loop recursion over image-sized vectors.
 */
export function addScaledThenDot(out: Float32Array, scale: number, x: Float32Array, w: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < out.length; i++) {
    const updated = Math.fround(out[i]! + scale * x[i]!);
    out[i] = updated;
    sum += w[i]! * updated;
  }
  return sum;
}

export function addScaled(out: Float32Array, scale: number, x: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = out[i]! + scale * x[i]!;
}

/** Largest absolute component. */
export function maxAbs(a: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]!));
  return max;
}

/** out = origin + t·direction. */
export function moveAlong(out: Float32Array, origin: Float32Array, t: number, direction: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = origin[i]! + t * direction[i]!;
}

export function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
