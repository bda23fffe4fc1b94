import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import type { Config, Mailer } from '@gatehouse/core';
import {
  answerUnknownPaths,
  isOutbox,
  mailerFromConfig,
  parseStrictForm,
  refuseUnsafeInput,
  type ServiceOptions,
} from '@gatehouse/service-kit';
import { Eta } from 'eta';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { cspDirectives } from './browser/csp.js';
import { csrfProtection } from './browser/csrf.js';
import { browserErrorHandler } from './browser/error-handler.js';
import { browserSessions } from './browser/session.js';
import { accountRoutes } from './routes/account.js';
import { accountPasswordRoutes } from './routes/account-password.js';
import { accountSpendingRoutes } from './routes/account-spending.js';
import { accountTwoFactorRoutes } from './routes/account-two-factor.js';
import { authorizeRoutes } from './routes/authorize.js';
import { consoleRoutes } from './routes/console/routes.js';
import { devOutboxRoutes } from './routes/dev-outbox.js';
import { deviceRoutes } from './routes/device.js';
import { emailVerificationRoutes } from './routes/email-verification.js';
import { endSessionRoutes } from './routes/end-session.js';
import { type LoginRouteOptions, loginRoutes } from './routes/login.js';
import { metadataRoutes } from './routes/metadata.js';
import { openIdRoutes } from './routes/openid.js';
import { accountPasskeyRoutes, webauthnBundleRoute } from './routes/passkeys.js';
import { passwordResetRoutes } from './routes/password-reset.js';
import { signupRoutes } from './routes/signup.js';
import { topupRoutes } from './routes/topup.js';
import { wellKnownCors } from './routes/well-known-cors.js';

const viewsDir = fileURLToPath(new URL('../views/', import.meta.url));
const publicDir = fileURLToPath(new URL('../public/', import.meta.url));

/**
 * SEC-18: a strict CSP without any script (only the passkey pages allow our own script
 * files: browser/csp.ts `allowOwnScripts`, SEC-70) (`frame-ancestors 'none'` keeps the
 * consent page out of frames), X-Frame-Options DENY, Referrer-Policy no-referrer, HSTS in
 * production only. `form-action 'self'` (SEC-37); the consent, login and sign-up pages
 * add the one redirect origin their form's redirect chain ends at (browser/csp.ts).
 */
function helmetOptions(config: Config) {
  const production = config.env === 'production';
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: cspDirectives(config),
    },
    // The integration guide's popup login opens our pages in a popup that must report
    // back to the app through window.opener; COOP same-origin would sever that link.
    // Framing stays forbidden (frame-ancestors, X-Frame-Options).
    crossOriginOpenerPolicy: { policy: 'unsafe-none' as const },
    frameguard: { action: 'deny' as const },
    referrerPolicy: { policy: 'no-referrer' as const },
    hsts: production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  };
}

/**
 * Everything behind the browser session: `request.session` is resolved, then every
 * state-changing request passes the CSRF/Origin check, then the routes run. New pages
 * (signup, account, console, top-up) are registered here too.
 */
async function browserPages(
  app: FastifyInstance,
  options: AuthorizeServiceOptions & { mailer: Mailer | null },
): Promise<void> {
  await app.register(browserSessions, options);
  await app.register(csrfProtection, options);
  // Pages and authorization responses carry per-user data and one-time values.
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });
  await app.register(authorizeRoutes, options);
  await app.register(loginRoutes, options);
  await app.register(signupRoutes, options);
  await app.register(accountRoutes, options);
  await app.register(consoleRoutes, options);
  await app.register(topupRoutes, options);
  await app.register(deviceRoutes, options);
  await app.register(endSessionRoutes, options);
  await app.register(emailVerificationRoutes, options);
  await app.register(passwordResetRoutes, options);
  await app.register(accountPasswordRoutes, options);
  await app.register(accountTwoFactorRoutes, options);
  await app.register(accountPasskeyRoutes, options);
  await app.register(accountSpendingRoutes, options);
  // SEC-60: mail with its links is shown only by the development outbox, never in production.
  if (options.config.env === 'development' && isOutbox(options.mailer)) {
    await app.register(devOutboxRoutes, { outbox: options.mailer });
  }
}

/** What the stack passes (ServiceOptions); tests may also shorten the login delays. */
export type AuthorizeServiceOptions = ServiceOptions &
  Pick<LoginRouteOptions, 'loginThrottle'> & {
    /** Where mail goes; by default from SMTP_URL (mailerFromConfig). Null: this server sends no mail. */
    mailer?: Mailer | null;
  };

/** The authorize service as an encapsulated Fastify plugin. Never listens: see server.ts. */
export const authorizeService: FastifyPluginAsync<AuthorizeServiceOptions> = async (app, options) => {
  const { config } = options;
  await app.register(fastifyHelmet, helmetOptions(config));
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody, { parser: parseStrictForm });
  app.addHook('preValidation', refuseUnsafeInput);
  await app.register(fastifyView, {
    engine: { eta: new Eta({ autoEscape: true }) },
    root: viewsDir,
    layout: 'layout.eta',
    production: config.env === 'production',
  });
  app.decorateRequest('authorizationResponse', null);
  app.setErrorHandler(browserErrorHandler(config));
  // Here, outside the session and CSRF hooks: an unknown path must not touch the stores.
  if (options.answersUnknownPaths !== false) answerUnknownPaths(app);

  await app.register(fastifyStatic, {
    root: publicDir,
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    maxAge: config.env === 'production' ? '1d' : 0,
  });
  await app.register(webauthnBundleRoute, options);
  await app.register(wellKnownCors);
  await app.register(metadataRoutes, options);
  await app.register(openIdRoutes, options);
  const mailer =
    options.mailer !== undefined ? options.mailer : mailerFromConfig(config, (line) => app.log.info(line));
  if (options.mailer === undefined && mailer) app.addHook('onClose', async () => mailer.close());
  await app.register(browserPages, { ...options, mailer });
};
