import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

describe('ops configuration', () => {
  it('listens on loopback, port 9464, by default', () => {
    expect(loadConfig({}).ops).toEqual({ host: '127.0.0.1', port: 9464 });
  });

  it('takes EASEL_OPS_HOST and EASEL_OPS_PORT', () => {
    expect(loadConfig({ EASEL_OPS_HOST: '0.0.0.0', EASEL_OPS_PORT: '9100' }).ops).toEqual({
      host: '0.0.0.0',
      port: 9100,
    });
    expect(loadConfig({ EASEL_OPS_HOST: '::1', EASEL_OPS_PORT: '0' }).ops).toEqual({ host: '::1', port: 0 });
    expect(loadConfig({ EASEL_OPS_HOST: 'metrics.internal' }).ops.host).toBe('metrics.internal');
  });

  it('names the variable, the key and what it allows when a value is wrong', () => {
    expect(() => loadConfig({ EASEL_OPS_PORT: '70000' })).toThrow(
      new ConfigError('EASEL_OPS_PORT (ops.port) must be a whole number from 0 to 65535; got "70000".'),
    );
    expect(() => loadConfig({ EASEL_OPS_HOST: 'http://localhost' })).toThrow(
      new ConfigError(
        'EASEL_OPS_HOST (ops.host) must be an IP address or a host name, like 127.0.0.1 or 0.0.0.0; ' +
          'got "http://localhost".',
      ),
    );
  });
});
