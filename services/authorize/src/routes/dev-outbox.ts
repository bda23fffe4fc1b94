import type { Outbox } from '@gatehouse/core';
import type { FastifyInstance } from 'fastify';
import { page } from '../browser/render.js';

/**
 * `GET /dev/outbox`: the development mailer's recent mail, links included (SEC-60). Only
 * registered in development with the outbox mailer; in production the path is a 404.
 */
export async function devOutboxRoutes(app: FastifyInstance, options: { outbox: Outbox }): Promise<void> {
  app.get('/dev/outbox', async (_request, reply) =>
    page(reply, 'dev-outbox.eta', {
      title: 'Development outbox',
      messages: options.outbox
        .list()
        .map((m) => ({ ...m, link: /https?:\/\/\S+/.exec(m.text)?.[0] ?? null })),
    }),
  );
}
