/** The user options: one schema that every front end is generated from, and the resolver that checks values. */
export {
  bounds,
  canonicalKey,
  DEFAULT_STRENGTH,
  choiceValues,
  findOption,
  helpSentence,
  OPTION_LEVELS,
  OPTION_SCHEMA,
  optionsUpTo,
  type BooleanOption,
  type ChoiceOption,
  type ListOption,
  type NumberOption,
  type OptionKey,
  type OptionLevel,
  type OptionLimits,
  type OptionSpec,
  type UserSettings,
} from './schema.js';
export { parseSettings, resolveOptions, STRENGTH_RATIO, strengthFactor, type Settings } from './resolve.js';
export { chatName } from '../errors.js';
