import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, ENV_VARIABLES, loadConfig } from '../../src/config.js';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('gateway configuration', () => {
  it('documents every environment variable in the README and .env.example', () => {
    const readme = read('../../README.md');
    const example = read('../../.env.example');
    const missing = Object.keys(ENV_VARIABLES).filter((name) => !readme.includes(`\`${name}\``) || !example.includes(`${name}=`));
    expect(missing).toEqual([]);
  });

  it('reads the gateway variables from the environment, converting their types', () => {
    const config = loadConfig({
      env: {
        OCR_MOCK_DEBUG_SIGNATURES: 'true',
        OCR_MOCK_RATE_LIMIT_PER_MINUTE: '60',
        OCR_MOCK_MAX_CONCURRENT_PER_PROJECT: '2',
        OCR_MOCK_URL_TIMEOUT_MS: '500',
        OCR_MOCK_URL_MAX_REDIRECTS: '0',
        OCR_MOCK_URL_ALLOW_LOOPBACK: 'false',
      },
    });
    expect(config).toMatchObject({
      debugSignatures: true,
      rateLimitPerMinute: 60,
      maxConcurrentPerProject: 2,
      urlTimeoutMs: 500,
      urlMaxRedirects: 0,
      urlAllowLoopback: false,
    });
  });

  it('has generous defaults and refuses nonsense', () => {
    expect(loadConfig({ env: {} })).toMatchObject({
      debugSignatures: false,
      rateLimitPerMinute: 600,
      maxConcurrentPerProject: 8,
      subscriptions: {},
      urlAllowLoopback: true,
      urlAllowlist: [],
    });
    expect(() => loadConfig({ env: { OCR_MOCK_RATE_LIMIT_PER_MINUTE: '0' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { OCR_MOCK_URL_ALLOW_LOOPBACK: 'maybe' } })).toThrow(/urlAllowLoopback/);
    expect(() => loadConfig({ env: {}, overrides: { subscriptions: { 'bad id!': ['passport'] } } })).toThrow(/subscriptions/);
  });

  it('never freezes the objects a caller passes in', () => {
    const identities = [{ domain: 'd', user: 'u', password: 'p', projects: [{ id: 'p1', name: 'one' }] }];
    loadConfig({ env: {}, overrides: { identities } });
    expect(Object.isFrozen(identities[0])).toBe(false);
    expect(() => loadConfig({ env: {}, overrides: { identities } })).not.toThrow();
  });
});
