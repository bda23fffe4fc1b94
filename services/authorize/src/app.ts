import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import type { Config } from '@gatehouse/core';
import type { ServiceOptions } from '@gatehouse/service-kit';
import { Eta } from 'eta';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { csrfProtection } from './browser/csrf.js';
import { browserErrorHandler } from './browser/error-handler.js';
import { browserSessions } from './browser/session.js';
import { accountRoutes } from './routes/account.js';
import { authorizeRoutes } from './routes/authorize.js';
import { consoleRoutes } from './routes/console.js';
import { endSessionRoutes } from './routes/end-session.js';
import { loginRoutes } from './routes/login.js';
import { metadataRoutes } from './routes/metadata.js';
import { openIdRoutes } from './routes/openid.js';
import { signupRoutes } from './routes/signup.js';
import { topupRoutes } from './routes/topup.js';

const viewsDir = fileURLToPath(new URL('../views/', import.meta.url));
const publicDir = fileURLToPath(new URL('../public/', import.meta.url));

/**
 * SEC-18: a strict CSP without any script (`frame-ancestors 'none'` keeps the
 * consent page out of frames), X-Frame-Options DENY, Referrer-Policy no-referrer, HSTS in
 * production only. There is deliberately no `form-action`: browsers apply it to the
 * redirects after a form post, and the login and consent forms end in a redirect to the
 * application's own origin.
 */
function helmetOptions(config: Config) {
  const production = config.env === 'production';
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'none'"],
        'base-uri': ["'none'"],
        'script-src': ["'none'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'object-src': ["'none'"],
        'frame-ancestors': ["'none'"],
        ...(production ? { 'upgrade-insecure-requests': [] } : {}),
      },
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
async function browserPages(app: FastifyInstance, options: ServiceOptions): Promise<void> {
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
  await app.register(endSessionRoutes, options);
}

/** The authorize service as an encapsulated Fastify plugin. Never listens: see server.ts. */
export const authorizeService: FastifyPluginAsync<ServiceOptions> = async (app, options) => {
  const { config } = options;
  await app.register(fastifyHelmet, helmetOptions(config));
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  await app.register(fastifyView, {
    engine: { eta: new Eta({ autoEscape: true }) },
    root: viewsDir,
    layout: 'layout.eta',
    production: config.env === 'production',
  });
  app.decorateRequest('authorizationResponse', null);
  app.setErrorHandler(browserErrorHandler(config));

  await app.register(fastifyStatic, {
    root: publicDir,
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    maxAge: config.env === 'production' ? '1d' : 0,
  });
  await app.register(metadataRoutes, options);
  await app.register(openIdRoutes, options);
  await app.register(browserPages, options);
};
