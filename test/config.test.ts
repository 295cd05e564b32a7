import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('gives the documented defaults', () => {
    const config = loadConfig({ env: {} });
    expect(config).toEqual(defaultConfig());
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.identities[0])).toBe(true);
  });

  it('layers file, environment and overrides, converting types', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocr-mock-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ port: 9000, logLevel: 'debug', ocrWorkers: 1 }));
    const config = loadConfig({ env: { OCR_MOCK_CONFIG: file, PORT: '9100', OCR_MOCK_WARMUP: 'false' }, overrides: { ocrWorkers: 2 } });
    expect(config).toMatchObject({ port: 9100, logLevel: 'debug', warmup: false, ocrWorkers: 2 });
  });

  it('refuses invalid values and unknown keys with a clear message', () => {
    expect(() => loadConfig({ env: { PORT: 'eighty' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { PORT: 'eighty' } })).toThrow(/\/port/);
    expect(() => loadConfig({ env: {}, overrides: { colour: 'red' } as never })).toThrow(/unknown config keys: colour/);
    expect(() => loadConfig({ env: { OCR_MOCK_CONFIG: '/nonexistent/x.json' } })).toThrow(/cannot read config file/);
  });
});
