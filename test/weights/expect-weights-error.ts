import { expect } from 'vitest';
import { WeightsError, type WeightsErrorCode } from '../../src/engine/weights/errors.js';

/** Awaits a rejection and checks it is a WeightsError with `code` and a message fit for a person. */
export async function expectWeightsError(promise: Promise<unknown>, code: WeightsErrorCode): Promise<WeightsError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(WeightsError);
  const weightsError = error as WeightsError;
  expect(weightsError.code).toBe(code);
  expect(weightsError.message).not.toMatch(/undefined|NaN|\n\s+at /);
  return weightsError;
}
