/**
 * The demo third-party app, as one file on purpose: it is the example integrators read top to
 * bottom (login, callback, session, user info, top-up, purchases, webhooks, logout).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import {
  createGatehouseClient,
  type FetchLike,
  type GatehouseClient,
  IssuerMismatchError,
  OAuthResponseError,
  SignInRequiredError,
  StateMismatchError,
} from '@gatehouse/sdk';
import Fastify, {
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { DemoConfig } from './config.js';
import { answerUnknownPaths } from './not-found.js';
import { buyPremiumFeature, PurchaseUpstreamError, SUGGESTED_ALLOWANCE } from './purchase.js';
import { type AppSession, PENDING_LOGIN_TTL_MS, SESSION_TTL_MS, SessionStore } from './sessions.js';
import { WebhookLog, webhookReceiver } from './webhooks.js';

export { DEVELOPMENT_CLIENT, type DemoConfig, loadConfig } from './config.js';
export { type AppSession, SessionStore } from './sessions.js';
export { type LoggedEvent, WEBHOOK_PATH, WebhookLog } from './webhooks.js';

export interface DemoAppOptions {
  config: DemoConfig;
  /** A fetch for the SDK (tests). Default: the global fetch. */
  fetch?: FetchLike;
  /** Server-side sessions. Default: a fresh in-memory store. */
  sessions?: SessionStore;
  /** The verified webhooks received. Default: a fresh in-memory log of the last 50. */
  webhookLog?: WebhookLog;
}

const COOKIE = 'demo_session';
/** OpenID Connect sign-in plus the guide's scopes; the SDK validates the ID token at the callback. */
const SCOPE = 'openid profile email balance';
/** "Enable purchases": the same sign-in plus `charge`, suggesting an allowance the user may change. */
const PURCHASE_SCOPE = `${SCOPE} charge`;
const publicDir = fileURLToPath(new URL('../public/', import.meta.url));

/** Where the SDK's browser module is: served at /sdk/ so the page can import it without a bundler. */
function sdkBrowserDir(): string | undefined {
  try {
    const dir = fileURLToPath(new URL('.', import.meta.resolve('@gatehouse/sdk/browser')));
    if (existsSync(dir)) return dir;
  } catch {
    // fall through
  }
  const local = fileURLToPath(new URL('../node_modules/@gatehouse/sdk/dist/browser/', import.meta.url));
  return existsSync(local) ? local : undefined;
}

/** Security headers for every response: the page runs only its own scripts, and is never framed. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** The short code the page turns into a friendly message. */
function loginErrorCode(error: unknown): string {
  if (error instanceof StateMismatchError) return 'state_mismatch';
  if (error instanceof IssuerMismatchError) return 'issuer_mismatch';
  if (error instanceof OAuthResponseError)
    return /^[a-z_]{1,64}$/.test(error.error) ? error.error : 'login_failed';
  return 'login_failed';
}

/**
 * The demo app's routes, written the way the integration guide prescribes: the
 * authorization code is exchanged on this server, the tokens stay in this server's
 * session, and the page reads the user's data through this server (a BFF proxy).
 */
export const demoApp: FastifyPluginAsync<DemoAppOptions> = async (app, options) => {
  const { config } = options;
  const sessions = options.sessions ?? new SessionStore();
  const webhookLog = options.webhookLog ?? new WebhookLog();
  const gatehouse: GatehouseClient = createGatehouseClient({
    issuer: config.issuer,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    redirectUri: config.redirectUri,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const secureCookie = config.appUrl.startsWith('https:');
  const appOrigin = new URL(config.appUrl).origin;

  await app.register(fastifyCookie, { secret: config.sessionSecret });

  const sweeper = setInterval(() => sessions.sweep(), 60_000);
  sweeper.unref();
  app.addHook('onClose', async () => clearInterval(sweeper));

  app.addHook('onRequest', async (request, reply) => {
    reply.headers(SECURITY_HEADERS);
    // The session cookie is SameSite=Lax; on top, state-changing calls must come from our own pages.
    const origin = request.headers.origin;
    if (
      request.method !== 'GET' &&
      request.method !== 'HEAD' &&
      origin !== undefined &&
      origin !== appOrigin
    ) {
      return reply.code(403).send({ error: 'forbidden', error_description: 'cross-origin request refused' });
    }
  });

  app.setErrorHandler((error, request, reply) => {
    request.log.error({ err: error }, 'request failed');
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply
        .code(status)
        .send({ error: 'invalid_request', error_description: (error as Error).message });
    }
    return reply
      .code(500)
      .send({ error: 'server_error', error_description: 'Something went wrong on our side.' });
  });

  answerUnknownPaths(app);

  function readSession(request: FastifyRequest): AppSession | undefined {
    const raw = request.cookies[COOKIE];
    if (!raw) return undefined;
    const unsigned = request.unsignCookie(raw);
    return unsigned.valid && unsigned.value ? sessions.get(unsigned.value) : undefined;
  }

  function setSessionCookie(reply: FastifyReply, session: AppSession): void {
    reply.setCookie(COOKIE, session.id, {
      signed: true,
      httpOnly: true,
      sameSite: 'lax',
      secure: secureCookie,
      path: '/',
      maxAge: SESSION_TTL_MS / 1000,
    });
  }

  /** Where a finished (or failed) login lands: the page, or the popup's callback page. */
  function landing(popup: boolean, error?: string): string {
    if (popup)
      return error
        ? `/oauth/callback.html?error=${encodeURIComponent(error)}`
        : '/oauth/callback.html?login=success';
    return error ? `/?error=${encodeURIComponent(error)}` : '/';
  }

  const loginRequired = (reply: FastifyReply) =>
    reply.code(401).send({ error: 'login_required', error_description: 'Log in with Gatehouse first.' });

  /** Runs a Gatehouse call for the signed-in user; answers 401 when they have to log in again. */
  async function asUser<T>(
    request: FastifyRequest,
    reply: FastifyReply,
    call: (session: ReturnType<GatehouseClient['session']>) => Promise<T>,
  ) {
    const session = readSession(request);
    if (!session?.tokens) return loginRequired(reply);
    reply.header('cache-control', 'no-store');
    try {
      return await call(gatehouse.session(sessions.tokenStore, session.id));
    } catch (error) {
      if (error instanceof SignInRequiredError) return loginRequired(reply);
      request.log.warn({ err: error }, 'Gatehouse call failed');
      const detail =
        error instanceof OAuthResponseError
          ? error.error
          : error instanceof PurchaseUpstreamError
            ? `charges ${error.status}`
            : 'unreachable';
      return reply
        .code(502)
        .send({ error: 'upstream_error', error_description: `Gatehouse call failed (${detail}).` });
    }
  }

  // Step 1–2: the login button lands here; we remember state + PKCE verifier server-side and redirect.
  app.get<{ Querystring: { popup?: string; purchases?: string } }>(
    '/auth/oauth/start',
    async (request, reply) => {
      const popup = request.query.popup === '1';
      const purchases = request.query.purchases === '1';
      let session = readSession(request);
      if (!session) {
        session = sessions.create();
        setSessionCookie(reply, session);
      }
      reply.header('cache-control', 'no-store');
      try {
        const login = await gatehouse.createAuthorizationRequest(
          purchases
            ? { scope: PURCHASE_SCOPE, autoAuthorize: true, suggestAllowance: SUGGESTED_ALLOWANCE }
            : { scope: SCOPE, autoAuthorize: true },
        );
        session.pending = {
          state: login.state,
          codeVerifier: login.codeVerifier,
          redirectUri: login.redirectUri,
          ...(login.nonce ? { nonce: login.nonce } : {}),
          popup,
          startedAt: Date.now(),
        };
        return reply.redirect(login.url, 302);
      } catch (error) {
        request.log.error({ err: error }, 'could not start the login');
        return reply.redirect(landing(popup, 'provider_unavailable'), 302);
      }
    },
  );

  // Step 3: Gatehouse redirects back with code, state and iss; the code is exchanged here, on the server.
  app.get('/oauth/callback', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const session = readSession(request);
    const pending = session?.pending;
    if (session) delete session.pending; // one attempt per state
    const popup = pending?.popup ?? false;
    const fresh = pending && Date.now() - pending.startedAt < PENDING_LOGIN_TTL_MS ? pending : undefined;
    try {
      const tokens = await gatehouse.handleCallback(request.query, fresh);
      // Logged in: a new session id (no fixation), holding the tokens.
      const next = sessions.rotate(session!);
      await gatehouse.session(sessions.tokenStore, next.id).save(tokens);
      setSessionCookie(reply, next);
      return reply.redirect(landing(popup), 302);
    } catch (error) {
      const code = loginErrorCode(error);
      if (code === 'access_denied') request.log.info('the user declined the login');
      else request.log.warn({ err: error }, 'login callback failed');
      return reply.redirect(landing(popup, code), 302);
    }
  });

  // Step 4: the page asks us; we ask Gatehouse with the user's token (refreshed when due).
  app.get('/api/user/info', (request, reply) => asUser(request, reply, (user) => user.userinfo()));

  app.post('/api/balance/refresh', (request, reply) =>
    asUser(request, reply, async (user) => ({ balance: await user.balance() })),
  );

  // A hold, then its capture, on the user's balance (scope `charge`); refusals become messages.
  app.post('/api/purchase', (request, reply) =>
    asUser(request, reply, async (user) => {
      const answer = await buyPremiumFeature(user);
      return reply.code(answer.status).send(answer.body);
    }),
  );

  // The plain home page: Gatehouse adds `topup=success` only after a top-up, so the
  // page's "go back without topping up" link does not claim one.
  app.get('/api/topup', (request, reply) =>
    asUser(request, reply, async (user) => ({
      topup_url: await user.topupUrl(`${config.appUrl}/`),
    })),
  );

  // Gatehouse posts signed events here; the page shows them (the app's log, for anyone signed in).
  await app.register(webhookReceiver, { secret: config.webhookSecret, log: webhookLog });
  app.get('/api/webhooks', async (request, reply) => {
    if (!readSession(request)?.tokens) return loginRequired(reply);
    reply.header('cache-control', 'no-store');
    return { events: webhookLog.list() };
  });

  app.post('/auth/logout', async (request, reply) => {
    const session = readSession(request);
    if (session) {
      try {
        await gatehouse.session(sessions.tokenStore, session.id).revoke();
      } catch (error) {
        request.log.warn({ err: error }, 'could not revoke the refresh token; logging out locally');
      }
      sessions.destroy(session.id);
    }
    reply.clearCookie(COOKIE, { path: '/' });
    return { ok: true };
  });

  await app.register(fastifyStatic, { root: publicDir, index: ['index.html'] });
  const sdkDir = sdkBrowserDir();
  if (sdkDir) {
    await app.register(fastifyStatic, {
      root: sdkDir,
      prefix: '/sdk/',
      decorateReply: false,
      allowedPath: (path) => path.endsWith('.js'),
    });
  } else {
    app.log.warn('@gatehouse/sdk is not built: run `pnpm --filter @gatehouse/sdk build` for the page script');
  }
};

/** A Fastify instance with the demo app; never listens (see server.ts). */
export async function buildDemoApp(
  options: DemoAppOptions & { logger?: boolean | { level: string } },
): Promise<FastifyInstance> {
  const logger = options.logger
    ? {
        ...(typeof options.logger === 'object' ? options.logger : {}),
        // Log paths without their query: the callback's query carries the authorization code.
        serializers: {
          req: (request: { method: string; url: string }) => ({
            method: request.method,
            path: request.url.split('?')[0],
          }),
        },
      }
    : false;
  const app = Fastify({ logger });
  await app.register(demoApp, options);
  return app;
}
