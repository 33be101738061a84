import ipaddr from 'ipaddr.js';
import { ConfigError } from './env.js';
import { SETTINGS, type Settings } from './settings.js';

export interface PlaygroundConfig {
  readonly host: string;
  /** 0 picks a free port; the running playground says which. */
  readonly port: number;
  /** The shared secret every request must carry; required when `host` is not loopback. */
  readonly token: string | undefined;
}

/** Long enough that guessing it over the network is hopeless. */
const MIN_TOKEN_LENGTH = 16;

/** Only this machine can reach a loopback address: 127.0.0.0/8, ::1, or the name localhost. */
export function isLoopback(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  return ipaddr.isValid(host) && ipaddr.process(host).range() === 'loopback';
}

/**
 * The playground's settings; undefined when EASEL_PLAYGROUND=off. Throws a one-line ConfigError when it would be
 * reachable from other machines without a shared secret, or with one short enough to guess.
 */
export function playgroundConfig({ playground }: Settings): PlaygroundConfig | undefined {
  if (playground.enabled === 'off') return undefined;
  const { host, port, token } = playground;
  const names = {
    host: `${SETTINGS.playground.host.env} (playground.host)`,
    token: SETTINGS.playground.token.env,
    enabled: `${SETTINGS.playground.enabled.env}=off`,
  };
  if (token === undefined && !isLoopback(host)) {
    throw new ConfigError(
      `${names.host} is ${host}, which other machines can reach, so ${names.token} must be set to a shared secret ` +
        `(or set ${names.enabled}).`,
    );
  }
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    throw new ConfigError(
      `${names.token} must be at least ${MIN_TOKEN_LENGTH} characters long; it is ${token.length}.`,
    );
  }
  return { host, port, token };
}
