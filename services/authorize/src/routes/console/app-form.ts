import { type Client, type Config, isPublicClient } from '@gatehouse/core';
import {
  type AppRegistration,
  type AppRegistrationInput,
  type AppUpdate,
  type AppValidationOptions,
  type FieldProblem,
  validateAppRegistration,
  validateAppUpdate,
} from '@gatehouse/core/accounts';
import {
  DEFAULT_SIGNING_ALG,
  type OidcClientSettings,
  type OidcClientSettingsInput,
  validateOidcClientSettings,
} from '@gatehouse/core/oidc';
import { field } from '../../browser/fields.js';
import { lines } from '../../pages/forms.js';

/** The console's plain-words choice of client type (SEC-50): a server keeps a secret, a browser or device cannot. */
const KINDS = { server: 'client_secret_basic', device: 'none' } as const;
type Kind = keyof typeof KINDS;

/** The form fields of the register and edit forms, as typed. */
export interface AppFormValues {
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

/** The register form before anything is typed. */
export const NEW_APP_VALUES: AppFormValues = {
  name: '',
  description: '',
  homepage_url: '',
  redirect_uris: '',
  kind: 'server',
  allowed_origins: '',
  device_grant_enabled: false,
  post_logout_redirect_uris: '',
  id_token_signed_response_alg: DEFAULT_SIGNING_ALG,
};

/** The developer API's rules (API.md §6), description included: users read it on the consent page. */
export function consoleValidation(config: Pick<Config, 'env'>): AppValidationOptions {
  return { development: config.env === 'development', requireDescription: true };
}

/** "Has a server" is pre-selected on the form, so a form without the field means it. */
function kindOf(value: string | undefined): Kind {
  return value === 'device' ? 'device' : 'server';
}

/** A posted register or edit form, as typed (re-shown as it was when it is refused). */
export function formValues(body: unknown): AppFormValues {
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

/** The edit form filled in with the app's settings. */
export function valuesOf(client: Client): AppFormValues {
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

function problemsOf(checked: { ok: true } | { ok: false; problems: FieldProblem[] }): FieldProblem[] {
  return checked.ok ? [] : checked.problems;
}

type Checked<T> = { ok: true; app: T; oidc: OidcClientSettings } | { ok: false; problems: FieldProblem[] };

/** The register form checked by core's rules: the app's fields, then its OpenID Connect ones. */
export function checkNewApp(
  body: unknown,
  values: AppFormValues,
  validation: AppValidationOptions,
): Checked<AppRegistration> {
  const checked = validateAppRegistration(registrationInput(values, false), validation);
  const oidc = oidcSettings(body, validation.development);
  if (!checked.ok || !oidc.ok) return { ok: false, problems: [...problemsOf(checked), ...problemsOf(oidc)] };
  return { ok: true, app: checked.value, oidc: oidc.value };
}

/** The edit form checked by core's rules, against the type the app was registered with. */
export function checkAppChange(
  body: unknown,
  values: AppFormValues,
  client: Client,
  validation: AppValidationOptions,
): Checked<AppUpdate> {
  const oidc = oidcSettings(body, validation.development);
  const checked = validateAppUpdate(registrationInput(values, true), {
    ...validation,
    tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
    alsoChanging: oidc.ok ? Object.keys(oidc.value) : [],
  });
  if (!checked.ok || !oidc.ok) return { ok: false, problems: [...problemsOf(checked), ...problemsOf(oidc)] };
  return { ok: true, app: checked.value, oidc: oidc.value };
}
