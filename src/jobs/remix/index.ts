/**
 * Remixing a result from its buttons: the actions and their button ids (actions.ts), the finished jobs' inputs kept
 * next to the journal (store.ts), and the remixer that turns a press into a new job with one setting changed.
 */
export { readRemixId, REMIX_ACTIONS, REMIX_ID_PATTERN, remixId, type RemixAction, type RemixOffer } from './actions.js';
export { REMIX_FILE, RemixStore, type KeptJob, type RemixStoreOptions } from './store.js';
export { REMIX_REFUSALS, Remixer, type RemixerOptions, type RemixPress, type RemixRefusal } from './remixer.js';
