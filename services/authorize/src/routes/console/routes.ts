import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyInstance } from 'fastify';
import { deleteAppRoutes } from './delete-app.js';
import { editAppRoutes } from './edit-app.js';
import { listAppsRoutes } from './list-apps.js';
import { registerAppRoutes } from './register-app.js';
import { rotateSecretRoutes } from './rotate-secret.js';
import { showAppRoutes } from './show-app.js';
import { consoleWebhookRoutes } from './webhooks.js';

/**
 * `/console` (API.md §8, SEC-21–SEC-22): a signed-in developer's own apps — list, register,
 * show with a Try it panel, edit, rotate the secret, delete, its webhook. Every rule is core's (the
 * developer API's); secrets are rendered straight from the POST that made them, once.
 */
export async function consoleRoutes(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  await app.register(listAppsRoutes, options);
  await app.register(registerAppRoutes, options);
  await app.register(showAppRoutes, options);
  await app.register(editAppRoutes, options);
  await app.register(rotateSecretRoutes, options);
  await app.register(deleteAppRoutes, options);
  await app.register(consoleWebhookRoutes, options);
}
