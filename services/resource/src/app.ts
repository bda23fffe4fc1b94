import { answerUnknownPaths, refuseUnsafeInput, type ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyPluginAsync } from 'fastify';
import { formatSchemaErrors, resourceErrorHandler } from './errors.js';
import { jobWorkers } from './job-workers.js';
import { adminRoutes } from './routes/admin.js';
import { chargesRoutes } from './routes/charges.js';
import { oauthAppsRoutes } from './routes/oauth-apps.js';
import { topupLinkRoute } from './routes/topup-link.js';
import { userinfoRoute } from './routes/userinfo.js';

/**
 * The resource service as an encapsulated Fastify plugin: userinfo and the top-up
 * link (access token), the developer apps API (developer token) and the admin API
 * (admin token, only when configured), and the job queue's workers. Its error handler, schema-error format and
 * hooks stay inside this plugin, so the stack can compose it with the other
 * services in one instance. Never listens: see server.ts.
 */
export const resourceService: FastifyPluginAsync<ServiceOptions> = async (app, options) => {
  app.setSchemaErrorFormatter(formatSchemaErrors);
  app.setErrorHandler(resourceErrorHandler);
  if (options.answersUnknownPaths !== false) answerUnknownPaths(app);
  app.addHook('preValidation', refuseUnsafeInput);
  // Every answer here is per-user and may carry secrets or balances: never cached.
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', 'no-store');
    return payload;
  });

  await app.register(userinfoRoute, options);
  await app.register(topupLinkRoute, options);
  await app.register(chargesRoutes, options);
  await app.register(oauthAppsRoutes, options);
  await app.register(adminRoutes, options);
  await app.register(jobWorkers, options);
};
