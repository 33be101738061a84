import { isIP } from 'node:net';
import { ConfigError, integer, optional, type Env } from '../config/env.js';

/** Prometheus' conventional port for a process's own exporter. */
export const DEFAULT_OPS_PORT = 9464;

/** Where the health and metrics endpoints listen. */
export interface OpsConfig {
  readonly host: string;
  /** 0 picks a free port; the log says which. */
  readonly port: number;
}

const HOSTNAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

/**
 * EASEL_OPS_HOST (default 127.0.0.1: metrics say how busy the bot is and who uses which platform, so they stay on
 * the machine unless an operator opens them) and EASEL_OPS_PORT (default 9464).
 */
export function loadOpsConfig(env: Env): OpsConfig {
  const host = optional(env, 'EASEL_OPS_HOST') ?? '127.0.0.1';
  if (isIP(host) === 0 && !HOSTNAME.test(host)) {
    throw new ConfigError(
      `EASEL_OPS_HOST must be an IP address or a host name, like 127.0.0.1 or 0.0.0.0; got "${host}".`,
    );
  }
  return { host, port: integer(env, 'EASEL_OPS_PORT', DEFAULT_OPS_PORT, 0, 65_535) };
}
