import { type Client, type Config, isPublicClient, randomId, randomToken, s256 } from '@gatehouse/core';
import {
  AccountLimitError,
  type AppRegistrationInput,
  deleteApp,
  type FieldProblem,
  findOwnedApp,
  registerApp,
  rotateAppSecret,
  validateAppRegistration,
  validateAppUpdate,
} from '@gatehouse/core/accounts';
import {
  DEFAULT_SIGNING_ALG,
  type OidcClientSettingsInput,
  SIGNING_ALGS,
  validateOidcClientSettings,
} from '@gatehouse/core/oidc';
import type { ServiceOptions } from '@gatehouse/service-kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { field } from '../browser/fields.js';
import { PageError } from '../browser/page-error.js';
import { page } from '../browser/render.js';
import { requireSession, signedIn } from '../browser/session.js';
import { auditUserAction } from '../pages/audit.js';
import { scopeText, when } from '../pages/format.js';
import { type FieldErrors, fieldErrors, idParam, lines, noticeText } from '../pages/forms.js';
import { firstSubmission, formNonce } from '../pages/once.js';

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

/** The console's plain-words choice of client type (SEC-50): a server keeps a secret, a browser or device cannot. */
const KINDS = { server: 'client_secret_basic', device: 'none' } as const;
type Kind = keyof typeof KINDS;

const NOTICES = {
  deleted: 'App deleted. Every token it held has been revoked.',
  updated: 'Changes saved.',
  already_registered:
    'That form was already submitted: the app exists and its secret was shown once. Rotate the secret if you did not save it.',
  already_rotated:
    'That rotation was already done; its secret was shown once. Rotate again if you did not save it.',
};

/** The one-time form id of a posted form (see pages/once.ts). */
function formIdOf(body: unknown): string | undefined {
  const value = (body as Record<string, unknown> | null)?.form_id;
  return typeof value === 'string' ? value : undefined;
}

/** The form fields of the create and edit forms, as typed. */
interface AppFormValues {
  name: string;
  description: string;
  homepage_url: string;
  redirect_uris: string;
  kind: Kind;
  allowed_origins: string;
  device_grant_enabled: boolean;
  post_logout_redirect_uris: string;
  id_token_signed_response_alg: string;
}

const notFound = () =>
  new PageError(404, 'App not found', 'There is no app with this id among the apps you registered.');

function formValues(body: unknown): AppFormValues {
  return {
    name: field(body, 'name') ?? '',
    description: field(body, 'description') ?? '',
    homepage_url: (field(body, 'homepage_url') ?? '').trim(),
    redirect_uris: field(body, 'redirect_uris') ?? '',
    kind: kindOf(field(body, 'kind')),
    allowed_origins: field(body, 'allowed_origins') ?? '',
    device_grant_enabled: field(body, 'device_grant_enabled') === 'true',
    post_logout_redirect_uris: field(body, 'post_logout_redirect_uris') ?? '',
    id_token_signed_response_alg: field(body, 'id_token_signed_response_alg') ?? DEFAULT_SIGNING_ALG,
  };
}

/**
 * The OpenID Connect settings of a posted form, checked by the rules the developer and admin
 * APIs use (API.md §13). A field the form did not send is left unchanged; an empty textarea
 * clears the sign-out redirect URIs.
 */
function oidcSettings(body: unknown, development: boolean) {
  const input: OidcClientSettingsInput = {};
  const uris = field(body, 'post_logout_redirect_uris');
  if (uris !== undefined) input.post_logout_redirect_uris = lines(uris);
  const alg = field(body, 'id_token_signed_response_alg');
  if (alg !== undefined) input.id_token_signed_response_alg = alg;
  return validateOidcClientSettings(input, { development });
}

/** "Has a server" is pre-selected on the form, so a form without the field means it. */
function kindOf(value: string | undefined): Kind {
  return value === 'device' ? 'device' : 'server';
}

/** The wire-shaped input the shared validators take (same rules as the developer API). */
function registrationInput(values: AppFormValues, editing: boolean): AppRegistrationInput {
  const input: AppRegistrationInput = {
    name: values.name,
    description: values.description,
    homepage_url: values.homepage_url === '' ? null : values.homepage_url,
    redirect_uris: lines(values.redirect_uris),
    allowed_origins: lines(values.allowed_origins),
    device_grant_enabled: values.device_grant_enabled,
  };
  // The type is chosen once, at registration.
  if (!editing) input.token_endpoint_auth_method = KINDS[values.kind];
  return input;
}

function valuesOf(client: Client): AppFormValues {
  return {
    name: client.name,
    description: client.description,
    homepage_url: client.homepageUrl ?? '',
    redirect_uris: client.redirectUris.join('\n'),
    kind: isPublicClient(client) ? 'device' : 'server',
    allowed_origins: client.allowedOrigins.join('\n'),
    device_grant_enabled: client.deviceGrantEnabled,
    post_logout_redirect_uris: (client.postLogoutRedirectUris ?? []).join('\n'),
    id_token_signed_response_alg: client.idTokenSignedResponseAlg ?? DEFAULT_SIGNING_ALG,
  };
}

/** The authorization request a developer can copy (Try it): fresh state and PKCE pair every time. */
export interface TryItResult {
  url: string;
  state: string;
  codeVerifier: string;
  redirectUri: string;
  scope: string;
  tokenRequest: string;
}

function buildTryIt(
  config: Config,
  client: Client,
  choice: { redirectUri: string; scopes: string[]; autoAuthorize: boolean },
): TryItResult {
  const state = randomId(16);
  const codeVerifier = randomToken('');
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: choice.redirectUri,
    scope: choice.scopes.join(' '),
    state,
    code_challenge: s256(codeVerifier),
    code_challenge_method: 'S256',
  });
  if (choice.autoAuthorize) params.set('auto_authorize', 'true');
  const tokenRequest = [
    `curl -X POST ${config.issuer}/api/oauth2/token \\`,
    '  -d grant_type=authorization_code \\',
    '  -d code=<the code from the redirect> \\',
    `  --data-urlencode redirect_uri=${choice.redirectUri} \\`,
    `  -d client_id=${client.clientId} \\`,
    ...(isPublicClient(client) ? [] : ['  -d client_secret=<your client secret> \\']),
    `  -d code_verifier=${codeVerifier}`,
  ].join('\n');
  return {
    // `+` would also mean a space here, but %20 survives being pasted into any tool.
    url: `${config.issuer}/api/oauth2/authorize?${params.toString().replace(/\+/g, '%20')}`,
    state,
    codeVerifier,
    redirectUri: choice.redirectUri,
    scope: choice.scopes.join(' '),
    tokenRequest,
  };
}

/** The values of a repeated query parameter (`scope=profile&scope=balance`). */
function many(query: unknown, name: string): string[] {
  const value = (query as Record<string, unknown> | null)?.[name];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * `/console` (API.md §8, SEC-21–SEC-22): a signed-in developer's own apps — list,
 * register, edit, rotate the secret, delete — and a Try it panel that builds an
 * authorization URL. Secrets are rendered straight from the POST that made them, once.
 */
export async function consoleRoutes(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  const { config, stores } = options;
  const validation = { development: config.env === 'development', requireDescription: true };

  async function ownApp(request: FastifyRequest): Promise<Client> {
    const { user } = signedIn(request);
    const client = await findOwnedApp(stores, user.id, idParam(request.params, 'id', notFound));
    if (!client) throw notFound();
    return client;
  }

  const appForm = (
    request: FastifyRequest,
    reply: FastifyReply,
    form: {
      client: Client | null;
      values: AppFormValues;
      errors?: FieldErrors;
      status?: number;
      formId?: string;
    },
  ) => {
    const { csrfToken } = signedIn(request);
    const editing = form.client !== null;
    return page(
      reply,
      'console-app-form.eta',
      {
        title: editing ? `Edit ${form.client!.name}` : 'Register an app',
        nav: 'console',
        wide: true,
        csrfToken,
        editing,
        app: editing
          ? { id: form.client!.id, name: form.client!.name, public: isPublicClient(form.client!) }
          : null,
        action: editing ? `/console/apps/${form.client!.id}` : '/console/apps',
        formId: form.formId ?? formNonce(),
        values: form.values,
        errors: form.errors ?? {},
        development: validation.development,
        signingAlgs: SIGNING_ALGS,
      },
      form.status ?? 200,
    );
  };

  const appPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    client: Client,
    extra: {
      secret?: { value: string; reason: 'created' | 'rotated' } | null;
      registered?: boolean;
      tryIt?: TryItResult | null;
      tryForm?: { redirectUri: string; scopes: string[]; autoAuthorize: boolean; error: string | null };
      status?: number;
    } = {},
  ) => {
    const { csrfToken } = signedIn(request);
    const users = await stores.db.clients.countAuthorizedUsers(client.id);
    return page(
      reply,
      'console-app.eta',
      {
        title: client.name,
        nav: 'console',
        wide: true,
        csrfToken,
        notice: noticeText(request.query, NOTICES),
        app: appView(client, users),
        secret: extra.secret ?? null,
        registered: extra.registered ?? false,
        tryIt: extra.tryIt ?? null,
        tryForm: extra.tryForm ?? {
          redirectUri: client.redirectUris[0] ?? '',
          scopes: ['profile'],
          autoAuthorize: false,
          error: null,
        },
        issuer: config.issuer,
        formId: formNonce(),
      },
      extra.status ?? 200,
    );
  };

  app.get('/console', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    const clients = await stores.db.clients.listByOwner(user.id);
    const apps = await Promise.all(
      clients.map(async (client) => appView(client, await stores.db.clients.countAuthorizedUsers(client.id))),
    );
    return page(reply, 'console.eta', {
      title: 'Developer console',
      nav: 'console',
      wide: true,
      notice: noticeText(request.query, NOTICES),
      apps,
    });
  });

  app.get('/console/apps', { preHandler: requireSession }, async (_request, reply) =>
    reply.redirect('/console', 302),
  );

  app.get('/console/apps/new', { preHandler: requireSession }, async (request, reply) =>
    appForm(request, reply, {
      client: null,
      values: {
        name: '',
        description: '',
        homepage_url: '',
        redirect_uris: '',
        kind: 'server',
        allowed_origins: '',
        device_grant_enabled: false,
        post_logout_redirect_uris: '',
        id_token_signed_response_alg: DEFAULT_SIGNING_ALG,
      },
    }),
  );

  app.post('/console/apps', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    const values = formValues(request.body);
    const checked = validateAppRegistration(registrationInput(values, false), validation);
    const oidc = oidcSettings(request.body, validation.development);
    if (!checked.ok || !oidc.ok) {
      return appForm(request, reply, {
        client: null,
        values,
        errors: fieldErrors([...problemsOf(checked), ...problemsOf(oidc)], LABELS),
        status: 400,
        formId: formIdOf(request.body),
      });
    }
    if (!(await firstSubmission(stores, user.id, formIdOf(request.body)))) {
      return reply.redirect('/console?notice=already_registered', 303);
    }
    let registered: Awaited<ReturnType<typeof registerApp>>;
    try {
      registered = await registerApp(stores, user.id, checked.value, { oidc: oidc.value });
    } catch (error) {
      if (!(error instanceof AccountLimitError)) throw error;
      throw new PageError(
        409,
        'Too many apps',
        `You already have ${error.limit} apps. Delete one you no longer use first.`,
      );
    }
    const { client, clientSecret } = registered;
    await auditUserAction(stores, request, user.id, {
      type: 'client.created',
      clientId: client.clientId,
      data: {
        name: client.name,
        redirect_uris: client.redirectUris,
        token_endpoint_auth_method: client.tokenEndpointAuthMethod,
        via: 'console',
      },
    });
    return appPage(request, reply, client, {
      secret: clientSecret === null ? null : { value: clientSecret, reason: 'created' },
      registered: true,
    });
  });

  app.get('/console/apps/:id', { preHandler: requireSession }, async (request, reply) =>
    appPage(request, reply, await ownApp(request)),
  );

  app.get('/console/apps/:id/try', { preHandler: requireSession }, async (request, reply) => {
    const client = await ownApp(request);
    const redirectUri = field(request.query, 'redirect_uri') ?? client.redirectUris[0] ?? '';
    const scopes = client.allowedScopes.filter((s) => many(request.query, 'scope').includes(s));
    const autoAuthorize = field(request.query, 'auto_authorize') === 'true';
    let error: string | null = null;
    if (!client.redirectUris.includes(redirectUri)) error = 'Choose one of the registered redirect URIs.';
    else if (scopes.length === 0) error = 'Choose at least one scope.';
    const tryForm = { redirectUri, scopes, autoAuthorize, error };
    const tryIt = error ? null : buildTryIt(config, client, { redirectUri, scopes, autoAuthorize });
    return appPage(request, reply, client, { tryIt, tryForm, status: error ? 400 : 200 });
  });

  app.get('/console/apps/:id/edit', { preHandler: requireSession }, async (request, reply) => {
    const client = await ownApp(request);
    return appForm(request, reply, { client, values: valuesOf(client) });
  });

  app.post('/console/apps/:id', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    const client = await ownApp(request);
    const values = { ...formValues(request.body), kind: valuesOf(client).kind };
    const oidc = oidcSettings(request.body, validation.development);
    const checked = validateAppUpdate(registrationInput(values, true), {
      ...validation,
      tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
      alsoChanging: oidc.ok ? Object.keys(oidc.value) : [],
    });
    if (!checked.ok || !oidc.ok) {
      return appForm(request, reply, {
        client,
        values,
        errors: fieldErrors([...problemsOf(checked), ...problemsOf(oidc)], LABELS),
        status: 400,
      });
    }
    const updated = await stores.db.clients.update(client.id, { ...checked.value, ...oidc.value });
    if (!updated) throw notFound();
    const changed = changedFields(client, updated);
    if (changed.length > 0) {
      await auditUserAction(stores, request, user.id, {
        type: 'client.updated',
        clientId: updated.clientId,
        data: { changed, redirect_uris: updated.redirectUris, via: 'console' },
      });
    }
    return reply.redirect(`/console/apps/${updated.id}?notice=updated`, 303);
  });

  // Like deletion, rotation is confirmed on a page of its own: the app page only links here
  // (the pages run no script, so there is no confirm() dialog).
  app.get('/console/apps/:id/secret', { preHandler: requireSession }, async (request, reply) => {
    const { csrfToken } = signedIn(request);
    const client = await ownApp(request);
    if (client.secretHash === null) return reply.redirect(`/console/apps/${client.id}`, 302);
    return page(reply, 'console-app-rotate.eta', {
      title: `Rotate the secret of ${client.name}`,
      nav: 'console',
      csrfToken,
      app: appView(client, 0),
      formId: formNonce(),
    });
  });

  app.post('/console/apps/:id/secret', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    const client = await ownApp(request);
    if (isPublicClient(client))
      throw new PageError(
        400,
        'No secret',
        'This app runs in the browser or on a device and has no client secret.',
      );
    if (!(await firstSubmission(stores, user.id, formIdOf(request.body)))) {
      return reply.redirect(`/console/apps/${client.id}?notice=already_rotated`, 303);
    }
    const rotated = await rotateAppSecret(stores, client);
    if (!rotated) throw notFound();
    await auditUserAction(stores, request, user.id, {
      type: 'client.secret_rotated',
      clientId: rotated.client.clientId,
      data: { via: 'console' },
    });
    return appPage(request, reply, rotated.client, {
      secret: { value: rotated.clientSecret, reason: 'rotated' },
    });
  });

  app.get('/console/apps/:id/delete', { preHandler: requireSession }, async (request, reply) => {
    const { csrfToken } = signedIn(request);
    const client = await ownApp(request);
    const users = await stores.db.clients.countAuthorizedUsers(client.id);
    return page(reply, 'console-app-delete.eta', {
      title: `Delete ${client.name}`,
      nav: 'console',
      csrfToken,
      app: appView(client, users),
    });
  });

  app.post('/console/apps/:id/delete', { preHandler: requireSession }, async (request, reply) => {
    const { user } = signedIn(request);
    const client = await ownApp(request);
    await deleteApp(stores, client);
    await auditUserAction(stores, request, user.id, {
      type: 'client.deleted',
      clientId: client.clientId,
      data: { name: client.name, via: 'console' },
    });
    return reply.redirect('/console?notice=deleted', 303);
  });
}

function problemsOf(checked: { ok: true } | { ok: false; problems: FieldProblem[] }): FieldProblem[] {
  return checked.ok ? [] : checked.problems;
}

function changedFields(before: Client, after: Client): string[] {
  const changed: string[] = [];
  if (before.name !== after.name) changed.push('name');
  if (before.description !== after.description) changed.push('description');
  if (before.homepageUrl !== after.homepageUrl) changed.push('homepage_url');
  if (before.redirectUris.join('\n') !== after.redirectUris.join('\n')) changed.push('redirect_uris');
  if (before.allowedOrigins.join('\n') !== after.allowedOrigins.join('\n')) changed.push('allowed_origins');
  if (before.deviceGrantEnabled !== after.deviceGrantEnabled) changed.push('device_grant_enabled');
  if ((before.postLogoutRedirectUris ?? []).join('\n') !== (after.postLogoutRedirectUris ?? []).join('\n')) {
    changed.push('post_logout_redirect_uris');
  }
  if (before.idTokenSignedResponseAlg !== after.idTokenSignedResponseAlg) {
    changed.push('id_token_signed_response_alg');
  }
  return changed;
}

/** An app as the console pages show it. */
function appView(client: Client, authorizedUsers: number) {
  return {
    id: client.id,
    clientId: client.clientId,
    name: client.name,
    initial: [...client.name][0]?.toUpperCase() ?? '?',
    description: client.description,
    homepage: client.homepageUrl,
    redirectUris: client.redirectUris,
    scopes: client.allowedScopes.map((scope) => ({ scope, text: scopeText(scope) })),
    confidential: !isPublicClient(client),
    allowedOrigins: client.allowedOrigins,
    deviceGrantEnabled: client.deviceGrantEnabled,
    postLogoutRedirectUris: client.postLogoutRedirectUris ?? [],
    idTokenSignedResponseAlg: client.idTokenSignedResponseAlg ?? DEFAULT_SIGNING_ALG,
    trusted: client.trusted,
    disabled: client.disabled,
    created: when(client.createdAt),
    authorizedUsers,
  };
}
