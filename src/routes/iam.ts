/** The fake IAM: `POST /v3/auth/tokens`, password method, project scope, Keystone v3 body. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyReply } from 'fastify';
import { issueToken } from '../gateway/token.js';
import { stableId, type IdentityDirectory } from '../gateway/identities.js';
import { StoreUnavailableError, type MaybePromise } from '../store/store.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { iamError, type IamErrorKind } from '../errors/iam-catalogue.js';
import { FixedWindowCounter } from '../gateway/fixed-window.js';

const Named = Type.Object({ name: Type.String({ minLength: 1 }) });

const TokenRequest = Type.Object({
  auth: Type.Object({
    identity: Type.Object({
      methods: Type.Array(Type.String(), { minItems: 1 }),
      password: Type.Object({
        user: Type.Object({
          name: Type.String({ minLength: 1 }),
          password: Type.String({ minLength: 1 }),
          domain: Named,
        }),
      }),
    }),
    scope: Type.Object({
      project: Type.Union([Type.Object({ id: Type.String({ minLength: 1 }) }), Named]),
    }),
  }),
});
type TokenRequest = Static<typeof TokenRequest>;

const DomainRef = Type.Object({ id: Type.String(), name: Type.String() });

const TokenResponse = Type.Object({
  token: Type.Object({
    expires_at: Type.String(),
    issued_at: Type.String(),
    methods: Type.Array(Type.String()),
    project: Type.Object({ id: Type.String(), name: Type.String(), domain: DomainRef }),
    user: Type.Object({ id: Type.String(), name: Type.String(), domain: DomainRef, password_expires_at: Type.String() }),
    roles: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
    catalog: Type.Array(Type.Unknown()),
  }),
});

const IamError = Type.Object({
  error: Type.Object({ code: Type.Integer(), message: Type.String(), title: Type.String() }),
});

const MINUTE_MS = 60_000;

export interface IamRouteOptions {
  config: Readonly<Config>;
  clock: Clock;
  /** Read per request: the admin API may replace the identities at run time. */
  identities: () => MaybePromise<IdentityDirectory>;
  /** Token ids; from the seeded stream when `seed` is set, so tokens are reproducible. */
  tokenId: () => string;
}

/** Roles a sandbox user holds; any project member may call OCR. */
const ROLES = [{ id: stableId('role', 'te_admin'), name: 'te_admin' }];

export const iamRoutes: FastifyPluginAsyncTypebox<IamRouteOptions> = async (app, { config, clock, identities, tokenId }) => {
  const refuse = (reply: FastifyReply, kind: IamErrorKind) => {
    const { status, body } = iamError(kind);
    return reply.code(status).send(body);
  };
  // Failed logins per client address and user name, per minute: guessing a password is throttled, while one
  // client's mistakes never lock the user out for others (or for itself past the minute).
  const failures = new FixedWindowCounter();
  // IAM is not behind the OCR gateway: its errors use Keystone's shape, not the vendor envelope.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof StoreUnavailableError) {
      request.log.warn({ err: error }, 'token request refused: the state store is unreachable');
      return refuse(reply, 'service-unavailable');
    }
    request.log.debug({ err: error.message }, 'token request refused');
    return refuse(reply, error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'body-too-large' : 'malformed-body');
  });

  app.post(
    '/v3/auth/tokens',
    {
      schema: {
        summary: 'Issue an IAM token (password method)',
        tags: ['IAM'],
        body: TokenRequest,
        response: { 201: TokenResponse, 400: IamError, 401: IamError, 413: IamError, 429: IamError, 503: IamError },
      },
      config: { api: 'iam' },
    },
    async (request, reply) => {
      const { identity: auth, scope } = (request.body as TokenRequest).auth;
      if (!auth.methods.includes('password')) {
        return refuse(reply, 'unsupported-method');
      }
      const { user } = auth.password;
      const failureKey = JSON.stringify([request.ip, user.domain.name, user.name]);
      const throttled = failures.peek(failureKey, clock.now(), MINUTE_MS);
      if (throttled.state.count >= config.iamMaxFailuresPerMinute) {
        request.log.warn({ user: user.name, domain: user.domain.name }, 'IAM login throttled after repeated failures');
        return refuse(reply.header('Retry-After', String(Math.max(1, Math.ceil(throttled.ttl / 1000)))), 'too-many-failures');
      }
      const found = identities();
      const directory = found instanceof Promise ? await found : found;
      const identity = directory.authenticate(user.domain.name, user.name, user.password);
      if (!identity) {
        failures.hit(failureKey, clock.now(), MINUTE_MS);
        return refuse(reply, 'wrong-credentials');
      }
      const project = directory.project(identity, scope.project);
      if (!project) return refuse(reply, 'wrong-project');

      const issuedAt = clock.now();
      const expiresAt = issuedAt + config.tokenTtlSeconds * 1000;
      const domain = { id: stableId('domain', identity.domain), name: identity.domain };
      const userId = stableId('user', `${identity.domain}/${identity.user}`);
      const token = issueToken(
        {
          jti: tokenId(),
          userId,
          user: identity.user,
          domainId: domain.id,
          domain: domain.name,
          projectId: project.id,
          projectName: project.name,
          iat: issuedAt,
          exp: expiresAt,
        },
        config.tokenSecret,
      );
      return reply
        .code(201)
        .header('X-Subject-Token', token)
        .send({
          token: {
            expires_at: new Date(expiresAt).toISOString(),
            issued_at: new Date(issuedAt).toISOString(),
            methods: ['password'],
            project: { id: project.id, name: project.name, domain },
            user: { id: userId, name: identity.user, domain, password_expires_at: '' },
            roles: ROLES,
            catalog: [],
          },
        });
    },
  );
};
