import { UserError } from '../errors.js';
import { loadOpsConfig } from './config.js';
import { isAlive, livezUrl } from './healthcheck.js';

/**
 * `node dist/ops/healthcheck-cli.js`: the container's HEALTHCHECK. It reads EASEL_OPS_HOST and EASEL_OPS_PORT as
 * the bot does, so the probe follows the port wherever the operator moves it. Exit 0 when alive, 1 otherwise.
 */
try {
  process.exitCode = (await isAlive(livezUrl(loadOpsConfig(process.env)))) ? 0 : 1;
} catch (err) {
  console.error(err instanceof UserError ? err.message : err);
  process.exitCode = 1;
}
