import { describe, expect, it } from 'vitest';
import { buildTestApp, DEFAULT_CREDENTIALS, PROJECT_ID, tokenRequestBody, type TestApp } from '../helpers/index.js';

describe('POST /v3/auth/tokens', () => {
  let t: TestApp;

  it('issues a token in X-Subject-Token with a Keystone-style body', async () => {
    t = await buildTestApp();
    const response = await t.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: tokenRequestBody() });
    expect(response.statusCode).toBe(201);
    expect(String(response.headers['x-subject-token'])).toMatch(/^MII[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/);
    const { token } = response.json();
    expect(token).toMatchObject({
      issued_at: '2026-01-01T00:00:00.000Z',
      expires_at: '2026-01-02T00:00:00.000Z',
      methods: ['password'],
      project: { id: PROJECT_ID, name: 'ae-ad-1', domain: { name: 'mock-domain' } },
      user: { name: 'mock-user', domain: { name: 'mock-domain' }, password_expires_at: '' },
      catalog: [],
    });
    expect(token.user.id).toMatch(/^[0-9a-f]{32}$/);
    expect(token.roles.length).toBeGreaterThan(0);
  });

  it('accepts the project scope by id', async () => {
    t = await buildTestApp();
    const response = await t.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: tokenRequestBody({ id: PROJECT_ID }) });
    expect(response.statusCode).toBe(201);
    expect(response.json().token.project.name).toBe('ae-ad-1');
  });

  it('refuses a wrong password with the IAM error body', async () => {
    t = await buildTestApp();
    const response = await t.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: tokenRequestBody(undefined, { ...DEFAULT_CREDENTIALS, password: 'wrong' }),
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      error: { code: 401, message: 'The username or password is wrong.', title: 'Unauthorized' },
    });
  });

  it('refuses a project the user does not have', async () => {
    t = await buildTestApp();
    const response = await t.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: tokenRequestBody({ name: 'cn-north-4' }) });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe(401);
  });

  it.each([
    ['not JSON', '{"auth":'],
    ['no identity', JSON.stringify({ auth: { scope: { project: { name: 'ae-ad-1' } } } })],
    ['a number for the user', JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: 5 } } } })],
  ])('answers 400 in the IAM shape for a malformed body (%s)', async (_name, payload) => {
    t = await buildTestApp();
    const response = await t.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      headers: { 'content-type': 'application/json' },
      payload,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: { code: 400, message: expect.any(String), title: 'Bad Request' } });
  });

  it('serves identities added through config', async () => {
    t = await buildTestApp({
      config: {
        identities: [
          {
            domain: 'acme',
            user: 'ci',
            password: 'pw',
            projects: [
              { id: 'p1', name: 'ae-ad-1' },
              { id: 'p2', name: 'other' },
            ],
          },
        ],
      },
    });
    const response = await t.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: tokenRequestBody({ name: 'other' }, { domain: 'acme', user: 'ci', password: 'pw' }),
    });
    expect(response.statusCode).toBe(201);
    expect(response.json().token.project.id).toBe('p2');
  });
});
