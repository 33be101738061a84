import { describe, expect, it } from 'vitest';
import { cliFlag } from '../../src/cli/args.js';
import { reviveError, serializeError } from '../../src/engine/worker-protocol.js';
import { JobAbortedError, OptionError, UserError } from '../../src/errors.js';

/** As the error crosses the worker boundary: serialized, copied by postMessage's structured clone, revived. */
function acrossTheBoundary(error: unknown): Error {
  return reviveError(structuredClone(serializeError(error)));
}

describe('errors across the worker boundary', () => {
  it('keeps an OptionError an OptionError, so each front end still words its key its own way', () => {
    const problem = { given: '0.5,0.5', help: 'one weight per style image' };
    const thrown = new OptionError('styleBlend', { kind: 'count', expected: 1 }, problem);

    const revived = acrossTheBoundary(thrown);

    expect(revived).toBeInstanceOf(OptionError);
    const option = revived as OptionError;
    expect([option.key, option.rule, option.problem]).toEqual(['styleBlend', thrown.rule, problem]);
    expect(option.message).toBe(thrown.message);
    expect(option.message).toBe('`style_blend` needs one value (one weight per style image); got "0.5,0.5".');
    const onTheCommandLine = '--style-blend needs one value (one weight per style image); got "0.5,0.5".';
    expect(option.messageFor(cliFlag)).toBe(onTheCommandLine);
  });

  it('keeps the code of other UserErrors, an abort an abort, and the rest plain errors', () => {
    const user = acrossTheBoundary(new UserError('no-style', 'I need at least one style image.'));
    expect(user).toBeInstanceOf(UserError);
    expect(user).not.toBeInstanceOf(OptionError);
    expect([(user as UserError).code, user.message]).toEqual(['no-style', 'I need at least one style image.']);

    expect(acrossTheBoundary(new JobAbortedError())).toBeInstanceOf(JobAbortedError);

    const internal = acrossTheBoundary(new RangeError('index out of range'));
    expect(internal).not.toBeInstanceOf(UserError);
    expect([internal.name, internal.message]).toEqual(['RangeError', 'index out of range']);
  });
});
