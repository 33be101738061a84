/**
 * One job-status pipeline for every platform: the presenter turns JobEvents into platform-neutral views,
 * the updater keeps one message showing the newest of them, and trackJob ties both to a job. A platform
 * supplies only a StatusSurface: how to render a view into its message, and where results go.
 */
export { progressPercent } from './progress.js';
export {
  finishedPainting,
  headlineOf,
  presentEvent,
  presentFinished,
  presentLost,
  presentRefusal,
  type Delivery,
  type FinishedPainting,
  type StatusEvent,
} from './presenter.js';
export { trackJob, type StatusSurface, type TrackedJob } from './track-job.js';
export { StatusUpdater, type StatusSink } from './updater.js';
export { isFinal, type Headline, type JobStage, type StatusButton, type StatusView } from './view.js';
