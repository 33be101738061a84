/** Constants of losses.md that every runtime's loss shares. */

/** §3 and §5: a target whose squared norm is below this (an all-zero map) is measured against this instead. */
export const MIN_SQUARED_NORM = 1e-8;
