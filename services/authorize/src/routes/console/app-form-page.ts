import { type Client, isPublicClient } from '@gatehouse/core';
import type { FieldProblem } from '@gatehouse/core/accounts';
import { SIGNING_ALGS } from '@gatehouse/core/oidc';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { page } from '../../browser/render.js';
import { signedIn } from '../../browser/session.js';
import { fieldErrors } from '../../pages/forms.js';
import { formNonce } from '../../pages/once.js';
import type { AppFormValues } from './app-form.js';

/** Field labels, for problems shown next to their fields. */
const LABELS = {
  name: 'Name',
  description: 'Description',
  homepage_url: 'Homepage URL',
  redirect_uris: 'Redirect URIs',
  token_endpoint_auth_method: 'App type',
  allowed_origins: 'Web origins',
  device_grant_enabled: 'Device sign-in',
  post_logout_redirect_uris: 'Sign-out return URIs',
  id_token_signed_response_alg: 'ID token signing algorithm',
};

export interface AppFormPage {
  /** The app being edited; null on the register form. */
  client: Client | null;
  values: AppFormValues;
  problems?: FieldProblem[];
  status?: number;
  /** A refused register form keeps its one-time id, so a resubmission is still recognised. */
  formId?: string;
}

/** The register form (`client: null`) or the edit form of an app. */
export function renderAppForm(
  request: FastifyRequest,
  reply: FastifyReply,
  development: boolean,
  form: AppFormPage,
): FastifyReply {
  const { csrfToken } = signedIn(request);
  const client = form.client;
  return page(
    reply,
    'console-app-form.eta',
    {
      title: client ? `Edit ${client.name}` : 'Register an app',
      nav: 'console',
      wide: true,
      csrfToken,
      editing: client !== null,
      app: client ? { id: client.id, name: client.name, public: isPublicClient(client) } : null,
      action: client ? `/console/apps/${client.id}` : '/console/apps',
      formId: form.formId ?? formNonce(),
      values: form.values,
      errors: form.problems ? fieldErrors(form.problems, LABELS) : {},
      development,
      signingAlgs: SIGNING_ALGS,
    },
    form.status ?? 200,
  );
}
