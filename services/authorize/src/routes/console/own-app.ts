import type { Client, Stores } from '@gatehouse/core';
import { findOwnedApp } from '@gatehouse/core/accounts';
import type { FastifyRequest } from 'fastify';
import { PageError } from '../../browser/page-error.js';
import { signedIn } from '../../browser/session.js';
import { idParam } from '../../pages/forms.js';

export const appNotFound = () =>
  new PageError(404, 'App not found', 'There is no app with this id among the apps you registered.');

/**
 * The app the URL's `:id` names, when the signed-in user registered it (core's `findOwnedApp`).
 * Someone else's app answers 404 like a missing one, so ids reveal nothing.
 */
export async function ownApp(stores: Stores, request: FastifyRequest): Promise<Client> {
  const { user } = signedIn(request);
  const client = await findOwnedApp(stores, user.id, idParam(request.params, 'id', appNotFound));
  if (!client) throw appNotFound();
  return client;
}
