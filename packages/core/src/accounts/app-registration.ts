/**
 * What an app registration may contain, in one place for the console, the developer API and the
 * admin API (SEC-21 redirect URIs, SEC-52/SEC-53 schemes and origins, names, URLs, client type): one
 * file so the three entry points can never validate differently.
 */
import { isTokenEndpointAuthMethod } from '../oauth/client-type.js';
import { isLoopbackHost, redirectUriProblem } from '../oauth/redirect-uri.js';
import { allowedOriginProblem } from '../oauth/web-origins.js';
import type { TokenEndpointAuthMethod } from '../ports/clients.js';
import type { FieldProblem, Validation } from './problems.js';

export const APP_RULES = {
  nameMax: 100,
  descriptionMax: 1000,
  urlMax: 2000,
  redirectUrisMax: 10,
  allowedOriginsMax: 10,
} as const;

/** An app registration as the stores want it. */
export interface AppRegistration {
  name: string;
  description: string;
  homepageUrl: string | null;
  redirectUris: string[];
  /** `none` registers a public client: no secret, PKCE on every request (SEC-50). */
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  allowedOrigins: string[];
  deviceGrantEnabled: boolean;
}

/** What may change after registration: everything but the client type. */
export type AppUpdate = Partial<Omit<AppRegistration, 'tokenEndpointAuthMethod'>>;

/** What the developer API, the admin API and the console receive (wire names). */
export interface AppRegistrationInput {
  name?: unknown;
  description?: unknown;
  homepage_url?: unknown;
  redirect_uri?: unknown;
  redirect_uris?: unknown;
  token_endpoint_auth_method?: unknown;
  allowed_origins?: unknown;
  device_grant_enabled?: unknown;
}

export interface AppValidationOptions {
  /** `config.env === 'development'`: http redirect URIs are then allowed for any host. */
  development: boolean;
  /** The developer API requires a description (API.md §6); the admin API does not. */
  requireDescription?: boolean;
}

/** Updates check redirect URIs and origins against the type the app was registered with. */
export interface AppUpdateOptions extends AppValidationOptions {
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** Other settings the same request changes (e.g. OpenID Connect ones): then no app field is needed. */
  alsoChanging?: readonly string[];
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\x00-\x1f\x7f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL_EXCEPT_NEWLINES = /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]/;

function nameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || name.trim() === '') return 'is required';
  if ([...name.trim()].length > APP_RULES.nameMax) return `must be at most ${APP_RULES.nameMax} characters`;
  if (CONTROL.test(name)) return 'must not contain control characters';
  return null;
}

function descriptionProblem(description: unknown, required: boolean): string | null {
  if (description === undefined || description === null || description === '') {
    return required ? 'is required (one or two sentences shown to users on the consent page)' : null;
  }
  if (typeof description !== 'string') return 'must be a string';
  if (required && description.trim() === '')
    return 'is required (one or two sentences shown to users on the consent page)';
  if ([...description].length > APP_RULES.descriptionMax) {
    return `must be at most ${APP_RULES.descriptionMax} characters`;
  }
  if (CONTROL_EXCEPT_NEWLINES.test(description)) return 'must not contain control characters';
  return null;
}

/**
 * The app's home page, shown on the consent page as a link: an absolute http(s)
 * URL without user name or password, https except for loopback hosts (or any
 * host in development mode).
 */
export function homepageUrlProblem(url: string, options: { development: boolean }): string | null {
  if (url.trim() !== url) return 'must not have surrounding spaces';
  if (url.length > APP_RULES.urlMax) return `must be at most ${APP_RULES.urlMax} characters`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute URL such as https://app.example.com';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return `must use https (the ${parsed.protocol.replace(':', '')} scheme is not allowed)`;
  }
  if (parsed.username || parsed.password) return 'must not contain a user name or password';
  if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname) && !options.development) {
    return 'must use https (http is allowed only for localhost, 127.0.0.1 and [::1])';
  }
  return null;
}

/**
 * Collects the redirect URIs from `redirect_uri` (one string) or `redirect_uris`
 * (an array). Both may be sent when `redirect_uri` is one of `redirect_uris` (what
 * a GET returns can be sent back as it is).
 */
function redirectUrisOf(
  input: AppRegistrationInput,
  options: AppValidationOptions & { publicClient: boolean },
  problems: FieldProblem[],
): string[] | null {
  const single = input.redirect_uri;
  const many = input.redirect_uris;
  if (single === undefined && many === undefined) {
    problems.push({
      field: 'redirect_uris',
      message: 'is required: send redirect_uri (a string) or redirect_uris (an array of strings)',
    });
    return null;
  }
  if (single !== undefined && typeof single !== 'string') {
    problems.push({ field: 'redirect_uri', message: 'must be a string' });
    return null;
  }
  if (many !== undefined && (!Array.isArray(many) || many.some((u) => typeof u !== 'string'))) {
    problems.push({ field: 'redirect_uris', message: 'must be an array of strings' });
    return null;
  }
  const uris = (many as string[] | undefined) ?? [single as string];
  const field = many === undefined ? 'redirect_uri' : 'redirect_uris';
  if (many !== undefined && single !== undefined && !uris.includes(single as string)) {
    problems.push({ field: 'redirect_uri', message: 'must be one of redirect_uris when both are sent' });
    return null;
  }
  if (uris.length === 0) {
    problems.push({ field, message: 'must contain at least one redirect URI' });
    return null;
  }
  if (uris.length > APP_RULES.redirectUrisMax) {
    problems.push({ field, message: `must contain at most ${APP_RULES.redirectUrisMax} redirect URIs` });
    return null;
  }
  const before = problems.length;
  uris.forEach((uri, index) => {
    const name = many === undefined ? 'redirect_uri' : `redirect_uris[${index}]`;
    const problem = redirectUriProblem(uri, {
      development: options.development,
      publicClient: options.publicClient,
    });
    if (problem) problems.push({ field: name, message: `"${uri}" ${problem}` });
    else if (uris.indexOf(uri) !== index) problems.push({ field: name, message: `"${uri}" is listed twice` });
  });
  return problems.length === before ? uris : null;
}

function homepageOf(
  value: unknown,
  options: AppValidationOptions,
  problems: FieldProblem[],
): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  if (typeof value !== 'string') {
    problems.push({ field: 'homepage_url', message: 'must be a string' });
    return undefined;
  }
  const problem = homepageUrlProblem(value, options);
  if (problem) problems.push({ field: 'homepage_url', message: problem });
  return value;
}

function authMethodOf(value: unknown, problems: FieldProblem[]): TokenEndpointAuthMethod {
  if (value === undefined || value === null || value === '') return 'client_secret_basic';
  if (isTokenEndpointAuthMethod(value)) return value;
  problems.push({
    field: 'token_endpoint_auth_method',
    message:
      'must be client_secret_basic or client_secret_post (the app has a server that keeps a secret) or none (it runs in the browser or on a device)',
  });
  return 'client_secret_basic';
}

/**
 * Extra web origins for browser code (CORS, SEC-53): public clients only — a confidential
 * client must call from its server, where CORS plays no part.
 */
function allowedOriginsOf(
  value: unknown,
  options: AppValidationOptions & { publicClient: boolean },
  problems: FieldProblem[],
): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((o) => typeof o !== 'string')) {
    problems.push({ field: 'allowed_origins', message: 'must be an array of strings' });
    return undefined;
  }
  const origins = value as string[];
  if (origins.length > 0 && !options.publicClient) {
    problems.push({
      field: 'allowed_origins',
      message:
        'is for apps without a server (token_endpoint_auth_method none); an app with a secret must call Gatehouse from its server',
    });
    return undefined;
  }
  if (origins.length > APP_RULES.allowedOriginsMax) {
    problems.push({
      field: 'allowed_origins',
      message: `must list at most ${APP_RULES.allowedOriginsMax} origins`,
    });
    return undefined;
  }
  const before = problems.length;
  origins.forEach((origin, index) => {
    const problem = allowedOriginProblem(origin, options);
    if (problem) problems.push({ field: `allowed_origins[${index}]`, message: `"${origin}" ${problem}` });
    else if (origins.indexOf(origin) !== index) {
      problems.push({ field: `allowed_origins[${index}]`, message: `"${origin}" is listed twice` });
    }
  });
  return problems.length === before ? origins : undefined;
}

function deviceGrantOf(value: unknown, problems: FieldProblem[]): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') {
    problems.push({ field: 'device_grant_enabled', message: 'must be true or false' });
    return undefined;
  }
  return value;
}

/** Validates a new app (developer API, admin API, console). Every field is checked. */
export function validateAppRegistration(
  input: AppRegistrationInput,
  options: AppValidationOptions,
): Validation<AppRegistration> {
  const problems: FieldProblem[] = [];
  const name = nameProblem(input.name);
  if (name) problems.push({ field: 'name', message: name });
  const description = descriptionProblem(input.description, options.requireDescription ?? false);
  if (description) problems.push({ field: 'description', message: description });
  const homepageUrl = homepageOf(input.homepage_url, options, problems);
  const tokenEndpointAuthMethod = authMethodOf(input.token_endpoint_auth_method, problems);
  const typed = { ...options, publicClient: tokenEndpointAuthMethod === 'none' };
  const redirectUris = redirectUrisOf(input, typed, problems);
  const allowedOrigins = allowedOriginsOf(input.allowed_origins, typed, problems);
  const deviceGrantEnabled = deviceGrantOf(input.device_grant_enabled, problems);
  if (problems.length > 0 || redirectUris === null) return { ok: false, problems };
  return {
    ok: true,
    value: {
      name: (input.name as string).trim(),
      description: typeof input.description === 'string' ? input.description.trim() : '',
      homepageUrl: homepageUrl ?? null,
      redirectUris,
      tokenEndpointAuthMethod,
      allowedOrigins: allowedOrigins ?? [],
      deviceGrantEnabled: deviceGrantEnabled ?? false,
    },
  };
}

/**
 * Validates a change to an app: only the fields sent are checked and returned;
 * at least one must be sent. Sending `homepage_url: null` (or "") removes it.
 */
export function validateAppUpdate(
  input: AppRegistrationInput,
  options: AppUpdateOptions,
): Validation<AppUpdate> {
  const problems: FieldProblem[] = [];
  const value: AppUpdate = {};
  const typed = { ...options, publicClient: options.tokenEndpointAuthMethod === 'none' };
  const method = input.token_endpoint_auth_method;
  if (method !== undefined && method !== options.tokenEndpointAuthMethod) {
    problems.push({
      field: 'token_endpoint_auth_method',
      message: `cannot be changed after registration (this app is ${options.tokenEndpointAuthMethod}); register a new app instead`,
    });
  }
  if (input.name !== undefined) {
    const problem = nameProblem(input.name);
    if (problem) problems.push({ field: 'name', message: problem });
    else value.name = (input.name as string).trim();
  }
  if (input.description !== undefined) {
    const problem = descriptionProblem(input.description, options.requireDescription ?? false);
    if (problem) problems.push({ field: 'description', message: problem });
    else value.description = typeof input.description === 'string' ? input.description.trim() : '';
  }
  const homepageUrl = homepageOf(input.homepage_url, options, problems);
  if (homepageUrl !== undefined) value.homepageUrl = homepageUrl;
  if (input.redirect_uri !== undefined || input.redirect_uris !== undefined) {
    const uris = redirectUrisOf(input, typed, problems);
    if (uris) value.redirectUris = uris;
  }
  const allowedOrigins = allowedOriginsOf(input.allowed_origins, typed, problems);
  if (allowedOrigins !== undefined) value.allowedOrigins = allowedOrigins;
  const deviceGrantEnabled = deviceGrantOf(input.device_grant_enabled, problems);
  if (deviceGrantEnabled !== undefined) value.deviceGrantEnabled = deviceGrantEnabled;
  if (problems.length > 0) return { ok: false, problems };
  if (Object.keys(value).length === 0 && (options.alsoChanging ?? []).length === 0) {
    return {
      ok: false,
      problems: [
        {
          field: 'body',
          message:
            'must change at least one of name, description, homepage_url, redirect_uri(s), allowed_origins, device_grant_enabled, post_logout_redirect_uris, id_token_signed_response_alg',
        },
      ],
    };
  }
  return { ok: true, value };
}
