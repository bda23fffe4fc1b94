import formbody from '@fastify/formbody';
import { startDeviceAuthorization } from '@gatehouse/core/device';
import { keyRingOf } from '@gatehouse/core/oidc';
import {
  exchangeToken,
  introspectToken,
  readClientCredentials,
  revokeToken,
  type TokenContext,
} from '@gatehouse/core/token';
import {
  answerUnknownPaths,
  appAuditFailureReporter,
  grantTypeLabel,
  inSpan,
  parseStrictForm,
  refuseUnsafeInput,
  type ServiceOptions,
} from '@gatehouse/service-kit';
import type { FastifyPluginAsync } from 'fastify';
import { BROWSER_PATHS, browserCallers } from './cors.js';
import {
  deviceAuthorizationRouteSchema,
  HttpRequestMeta,
  introspectRouteSchema,
  readRequestParams,
  revokeRouteSchema,
  sendOAuthError,
  setNoStore,
  tokenRouteSchema,
} from './http.js';

/** RFC 7009 §2.2: the body is ignored by clients; an empty JSON object keeps the content type honest. */
const REVOKED = Object.freeze({});

/**
 * The token service as an encapsulated Fastify plugin: token (RFC 6749 §3.2),
 * revocation (RFC 7009) and introspection (RFC 7662). Its body parsers, no-store
 * hook and error handler stay inside this plugin's context, so the stack can
 * compose it with the other services in one instance. Never listens: see server.ts.
 */
export const tokenService: FastifyPluginAsync<ServiceOptions> = async (app, options) => {
  const { stores, config } = options;
  const ctx: TokenContext = {
    stores,
    config,
    oidc: { issuer: config.issuer, keys: keyRingOf(stores, config) },
    reportAuditFailure: appAuditFailureReporter(app),
  };

  // Bodies: form-encoded (RFC 6749) or JSON. Any other content type is refused with
  // 415, which the error handler turns into invalid_request.
  await app.register(formbody, { parser: parseStrictForm });
  app.removeContentTypeParser('text/plain');
  app.addHook('onRequest', setNoStore);
  app.addHook('preValidation', refuseUnsafeInput);
  app.setErrorHandler(sendOAuthError);
  if (options.answersUnknownPaths !== false) answerUnknownPaths(app);

  browserCallers(app, ctx.stores, BROWSER_PATHS);

  app.post('/api/oauth2/token', { schema: tokenRouteSchema }, async (request) => {
    const params = readRequestParams(request);
    const grantType = grantTypeLabel(params.grant_type);
    const tokens = await inSpan('token.exchange', { 'oauth.grant_type': grantType }, () =>
      exchangeToken(ctx, params, request.headers.authorization, new HttpRequestMeta(request)),
    );
    request.server.metrics?.tokenGrants.inc({ grant_type: grantType, outcome: 'success' });
    return tokens;
  });

  app.post('/api/oauth2/revoke', { schema: revokeRouteSchema }, async (request) => {
    const params = readRequestParams(request);
    const presented = readClientCredentials(params, request.headers.authorization);
    await revokeToken(ctx, presented, params, new HttpRequestMeta(request));
    return REVOKED;
  });

  // RFC 8628 §3.1: the device asks for a user code to show.
  app.post(
    '/api/oauth2/device_authorization',
    { schema: deviceAuthorizationRouteSchema },
    async (request) => {
      const params = readRequestParams(request);
      return startDeviceAuthorization(
        ctx.stores,
        options.config.issuer,
        params,
        request.headers.authorization,
        new HttpRequestMeta(request),
      );
    },
  );

  app.post('/api/oauth2/introspect', { schema: introspectRouteSchema }, async (request) => {
    const params = readRequestParams(request);
    const presented = readClientCredentials(params, request.headers.authorization);
    return introspectToken(ctx, presented, params, new HttpRequestMeta(request));
  });
};
