import { UserError } from '../errors.js';
import { loadSettings } from '../config/load.js';
import { isAlive, livezUrl } from './healthcheck.js';

/**
 * `node dist/ops/healthcheck-cli.js`: the container's HEALTHCHECK. It reads the settings (ops.host, ops.port) as the
 * bot does, so the probe follows the port wherever the operator moves it. Exit 0 when alive, 1 otherwise.
 */
try {
  process.exitCode = (await isAlive(livezUrl(loadSettings(process.env).ops))) ? 0 : 1;
} catch (err) {
  console.error(err instanceof UserError ? err.message : err);
  process.exitCode = 1;
}
