import type { Logger } from 'pino';
import type { OpsConfig } from '../config/index.js';
import { EaselMetrics } from './metrics.js';
import { Readiness } from './readiness.js';
import { startOpsServer, type OpsServer } from './server.js';

export type { OpsConfig } from '../config/index.js';
export { jobMetrics } from './job-metrics.js';
export { EaselMetrics, JOB_OUTCOMES, type JobOutcome } from './metrics.js';
export { Readiness, type ReadinessCheck, type ReadinessReport } from './readiness.js';
export { OpsPortError, startOpsServer, type OpsServer, type OpsServerOptions } from './server.js';

/**
 * What the rest of easel sees of operations: the metrics to record into and the readiness checks to register.
 * One per process; `listen` serves both.
 */
export class Ops {
  readonly metrics = new EaselMetrics();
  readonly readiness = new Readiness();

  listen(config: OpsConfig, logger: Logger): Promise<OpsServer> {
    return startOpsServer({ ...config, registry: this.metrics.registry, readiness: this.readiness, logger });
  }
}
