/** The sandbox identity and tokens from the fake IAM. */
import type { FastifyInstance } from 'fastify';
import { DEFAULT_PROJECT } from '../../src/config.js';

export const PROJECT_ID = DEFAULT_PROJECT.id;
export const PASSPORT_PATH = `/v2/${PROJECT_ID}/ocr/passport`;

export const DEFAULT_CREDENTIALS = {
  domain: 'mock-domain',
  user: 'mock-user',
  password: 'mock-password',
};

export function tokenRequestBody(scope: { id?: string; name?: string } = { name: DEFAULT_PROJECT.name }, credentials = DEFAULT_CREDENTIALS) {
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user: { name: credentials.user, password: credentials.password, domain: { name: credentials.domain } },
        },
      },
      scope: { project: scope },
    },
  };
}

export async function getToken(app: FastifyInstance, scope?: { id?: string; name?: string }): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: tokenRequestBody(scope) });
  if (response.statusCode !== 201) throw new Error(`token request failed: ${response.body}`);
  return String(response.headers['x-subject-token']);
}
