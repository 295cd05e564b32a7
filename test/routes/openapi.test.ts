import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/index.js';

describe('OpenAPI document and Swagger UI', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp();
  });

  const openapi = async () => {
    const response = await t.app.inject({ url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    return response.json();
  };

  it('lists the OCR and IAM paths, and none of its own', async () => {
    const doc = await openapi();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/health',
      '/v2/{project_id}/ocr/bankcard',
      '/v2/{project_id}/ocr/emirates-id-card',
      '/v2/{project_id}/ocr/passport',
      '/v3/auth/tokens',
    ]);
  });

  it('describes the passport route from the schemas that validate it', async () => {
    const { post } = (await openapi()).paths['/v2/{project_id}/ocr/passport'];
    expect(post.tags).toEqual(['OCR']);
    const body = post.requestBody.content['application/json'].schema;
    expect(Object.keys(body.properties)).toEqual(['image', 'url']);
    const names = post.parameters.map((p: { in: string; name: string }) => `${p.in}:${p.name}`);
    expect(names).toEqual(expect.arrayContaining(['path:project_id', 'header:x-auth-token', 'header:authorization', 'header:x-sdk-date', 'header:x-mock-scenario']));
    expect(Object.keys(post.responses)).toEqual(['200', '4XX', '5XX']);
    const result = post.responses['200'].content['application/json'].schema.properties.result;
    expect(result.required).toEqual(expect.arrayContaining(['passport_number', 'date_of_birth', 'confidence', 'extra_info']));
    const envelope = post.responses['4XX'].content['application/json'].schema;
    expect(envelope).toMatchObject({ type: 'object', required: ['error_code', 'error_msg'] });
    expect(Object.keys(envelope.properties)).toEqual(['error_code', 'error_msg', 'request_id']);
  });

  it('describes the IAM token route', async () => {
    const { post } = (await openapi()).paths['/v3/auth/tokens'];
    expect(post.tags).toEqual(['IAM']);
    expect(post.requestBody.content['application/json'].schema.properties.auth.required).toEqual(['identity', 'scope']);
    expect(Object.keys(post.responses)).toEqual(['201', '400', '401', '413', '429', '503']);
    expect(post.responses['201'].content['application/json'].schema.properties.token.required).toContain('expires_at');
  });

  it('serves Swagger UI from the package, with nothing loaded from elsewhere', async () => {
    const page = await t.app.inject({ url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const sources = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources.length).toBeGreaterThan(3);
    expect(sources.filter((s) => /^(https?:)?\/\//.test(String(s)))).toEqual([]);
    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui.css', 'swagger-initializer.js']) {
      const response = await t.app.inject({ url: `/docs/static/${asset}` });
      expect({ asset, status: response.statusCode }).toEqual({ asset, status: 200 });
    }
    const initializer = await t.app.inject({ url: '/docs/static/swagger-initializer.js' });
    expect(initializer.body).toContain('validatorUrl: null');
  });

  it('leaves unknown paths, under /docs too, to the gateway’s APIG.0101', async () => {
    for (const url of ['/docs/nope', '/nope', '/openapi.yaml']) {
      const response = await t.app.inject({ url });
      expect({ url, status: response.statusCode, code: response.json().error_code }).toEqual({ url, status: 404, code: 'APIG.0101' });
    }
  });
});
