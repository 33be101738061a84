import { UserError } from '../../errors.js';

export type WeightsErrorCode = 'weights-missing' | 'weights-corrupt' | 'weights-unreachable';

/** The VGG19 weights could not be found, fetched or trusted; the message names the file and the fix. */
export class WeightsError extends UserError {
  declare readonly code: WeightsErrorCode;

  constructor(code: WeightsErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}
