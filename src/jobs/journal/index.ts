/**
 * Durable jobs: the journal (SQLite, WAL) keeps every unfinished job's request, state and input images, following
 * the queue as a JobObserver; after a restart, restoreJobs puts them back in line through each platform's restorer.
 */
export { JournalError } from './database.js';
export { JOURNAL_FILE, Journal, type JournalOptions, type JournaledJob } from './journal.js';
export { MAX_CRASHES, restoreJobs, type RestoreSummary } from './restore.js';
