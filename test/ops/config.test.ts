import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/env.js';
import { DEFAULT_OPS_PORT, loadOpsConfig } from '../../src/ops/config.js';

describe('loadOpsConfig', () => {
  it('listens on loopback, port 9464, by default', () => {
    expect(loadOpsConfig({})).toEqual({ host: '127.0.0.1', port: DEFAULT_OPS_PORT });
    expect(DEFAULT_OPS_PORT).toBe(9464);
  });

  it('takes EASEL_OPS_HOST and EASEL_OPS_PORT', () => {
    expect(loadOpsConfig({ EASEL_OPS_HOST: '0.0.0.0', EASEL_OPS_PORT: '9100' })).toEqual({
      host: '0.0.0.0',
      port: 9100,
    });
    expect(loadOpsConfig({ EASEL_OPS_HOST: '::1', EASEL_OPS_PORT: '0' })).toEqual({ host: '::1', port: 0 });
    expect(loadOpsConfig({ EASEL_OPS_HOST: 'metrics.internal' }).host).toBe('metrics.internal');
  });

  it('names the variable and what it allows when a value is wrong', () => {
    expect(() => loadOpsConfig({ EASEL_OPS_PORT: '70000' })).toThrow(
      new ConfigError('EASEL_OPS_PORT must be a whole number from 0 to 65535; got "70000".'),
    );
    const badHost = (): unknown => loadOpsConfig({ EASEL_OPS_HOST: 'http://localhost' });
    expect(badHost).toThrow(ConfigError);
    expect(badHost).toThrow(/^EASEL_OPS_HOST must be an IP address/);
  });
});
