/**
 * Every list of APIs derives from the registry: a throwaway entry added to it reaches the config's subscriptions,
 * the admin API's settings schema, the sandbox page (served from the server) and the fixture command, with no
 * other edit.
 */
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it, vi } from 'vitest';
import type { DocumentType } from '../src/recognition/document.js';

const THROWAWAY = 'throwaway-card';

vi.mock('../src/recognition/registry.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/recognition/registry.js')>();
  const throwaway: DocumentType = {
    api: THROWAWAY,
    title: THROWAWAY,
    limits: original.DOCUMENT_TYPES[0]?.limits as DocumentType['limits'],
    requestFields: {},
    resultSchema: Type.Object({ confidence: Type.Record(Type.String(), Type.Number()) }),
    recognize: async () => ({ confidence: {} }),
  };
  return { DOCUMENT_TYPES: [...original.DOCUMENT_TYPES, throwaway] };
});

const { API_NAMES, apiLabel } = await import('../src/apis.js');
const { loadConfig, ConfigSchema } = await import('../src/config.js');
const { ConfigPatchSchema } = await import('../src/mock/admin-schemas.js');
const { FIXTURE_KINDS, FIXTURE_USAGE, runFixtureCommand } = await import('../src/fixture-cli.js');
const { buildTestApp } = await import('./helpers/index.js');

describe('a new entry in the registry', () => {
  it('is one of the API names', () => {
    expect(API_NAMES).toEqual(['passport', 'bankcard', 'emirates-id-card', THROWAWAY]);
  });

  it('may be subscribed to in the config and through PATCH /_mock/config', () => {
    const subscriptions = { p1: [THROWAWAY] };
    expect(loadConfig({ env: {}, overrides: { subscriptions } }).subscriptions).toEqual(subscriptions);
    expect(Value.Check(ConfigSchema.properties.subscriptions, { p1: ['no-such-api'] })).toBe(false);
    expect(Value.Check(ConfigPatchSchema, { subscriptions })).toBe(true);
  });

  it('is offered by the sandbox page, labelled', async () => {
    const { app } = await buildTestApp();
    const settings = (await app.inject({ method: 'GET', url: '/_mock/ui/settings' })).json() as { apis: { api: string; label: string }[] };
    expect(settings.apis.map(({ api, label }) => ({ api, label }))).toContainEqual({ api: THROWAWAY, label: 'Throwaway card' });
    expect(apiLabel('emirates-id-card')).toBe('Emirates ID card');
  });

  it('is a kind of the fixture command, which says it has no generator yet', async () => {
    expect(Object.keys(FIXTURE_KINDS)).toContain(THROWAWAY);
    expect(FIXTURE_USAGE).toContain(THROWAWAY);
    let stderr = '';
    const code = await runFixtureCommand([THROWAWAY, '--out', 'x.png'], {
      stdout: () => undefined,
      stderr: (text) => {
        stderr += text;
      },
    });
    expect(code).toBe(2);
    expect(stderr).toContain(`${THROWAWAY} has no fixture generator yet`);
  });
});
