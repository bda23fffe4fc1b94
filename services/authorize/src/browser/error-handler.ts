import {
  type Config,
  InvalidClientError,
  InvalidRedirectUriError,
  isVisibleAscii,
  type OAuthError,
} from '@gatehouse/core';
import { errorRedirectUrl } from '@gatehouse/core/authorize';
import { apiFamilyOf, EndpointNotFoundError, toOAuthError } from '@gatehouse/service-kit';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { PageError } from './page-error.js';
import { renderToString } from './render.js';

/** Where errors of an authorization request go once its client and redirect URI are trusted. */
export interface AuthorizationResponseTarget {
  redirectUri: string;
  /** The client's state when it was valid; null → not echoed. */
  state: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Set by the authorize routes after checkClient and checkRedirectUri passed: from then
     * on, redirectable OAuth errors are sent to the client instead of shown as a page.
     */
    authorizationResponse: AuthorizationResponseTarget | null;
  }
}

interface ErrorPage {
  status: number;
  title: string;
  detail: string;
  hint: string | null;
}

function describe(error: OAuthError): ErrorPage {
  if (error instanceof EndpointNotFoundError) {
    return {
      status: 404,
      title: 'Page not found',
      detail: 'There is no page at this address.',
      hint: 'Check the address for a typo, or start again from your account.',
    };
  }
  if (error.status === 503) {
    return {
      status: 503,
      title: 'Gatehouse is temporarily unavailable',
      detail: 'We could not reach part of our service just now. Nothing was changed.',
      hint: 'Please try again in a moment.',
    };
  }
  if (error.status >= 500) {
    return {
      status: 500,
      title: 'Something went wrong',
      detail: 'An unexpected error occurred on our side.',
      hint: 'Please try again later.',
    };
  }
  const hint = 'Go back to the application and try again. If it keeps happening, tell its developer.';
  if (error instanceof InvalidClientError) {
    return { status: 400, title: 'Unknown application', detail: error.description, hint };
  }
  if (error instanceof InvalidRedirectUriError) {
    return { status: 400, title: 'Invalid redirect address', detail: error.description, hint };
  }
  return { status: 400, title: 'Invalid request', detail: error.description, hint: null };
}

/** The error redirect, or null when it could not be sent as a `Location` header. */
function redirectTarget(
  target: AuthorizationResponseTarget,
  oauth: OAuthError,
  issuer: string,
): string | null {
  try {
    const location = errorRedirectUrl(target.redirectUri, oauth, target.state, issuer);
    return isVisibleAscii(location) ? location : null;
  } catch {
    return null;
  }
}

function unusableRedirect(): OAuthError {
  return new InvalidRedirectUriError('the redirect address of this application cannot be used');
}

function fallbackHtml(page: ErrorPage): string {
  const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><meta charset="utf-8"><title>${escapeHtml(page.title)}</title><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.detail)}</p>`;
}

/**
 * An unknown API path answers JSON in the format of the API it sits in (API.md §10): the
 * OAuth body under `/api/oauth2/`, the developer/admin wrapper elsewhere under `/api/`.
 * The gateway sends unknown paths here, so this service speaks for the whole origin.
 */
function sendApiNotFound(error: EndpointNotFoundError, request: FastifyRequest, reply: FastifyReply) {
  const body =
    apiFamilyOf(request.url) === 'oauth'
      ? error.body
      : { success: false, message: error.description, data: null };
  return reply.code(404).send(body);
}

/**
 * The service's one error handler. Redirectable OAuth errors of an authorization request
 * go back to the client (error, error_description, state, iss; 302, or 303 after a POST).
 * Everything else is an HTML page that never carries a Location header: 400 for bad
 * requests (unknown client, unregistered redirect URI...), the PageError's own status
 * (403 CSRF), 404 for an unknown page (unknown API paths get JSON), 503 when a store is
 * down, a generic 500 otherwise.
 */
export function browserErrorHandler(config: Pick<Config, 'issuer'>) {
  return async (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    reply.removeHeader('location');
    reply.header('cache-control', 'no-store');
    let view: ErrorPage;
    if (error instanceof PageError) {
      view = { status: error.status, title: error.title, detail: error.detail, hint: null };
    } else {
      if (error instanceof EndpointNotFoundError && apiFamilyOf(request.url) !== null) {
        return sendApiNotFound(error, request, reply);
      }
      const oauth = toOAuthError(error, request.log);
      const target = request.authorizationResponse;
      const location = target && oauth.redirectable ? redirectTarget(target, oauth, config.issuer) : null;
      if (location) {
        const status = request.method === 'GET' || request.method === 'HEAD' ? 302 : 303;
        return reply.redirect(location, status);
      }
      // SEC-29/SEC-31: a redirect that cannot be sent as a header is a page, never a raw 500.
      view = target && oauth.redirectable ? describe(unusableRedirect()) : describe(oauth);
    }
    if (view.status === 503) reply.header('retry-after', '5');
    let html: string;
    try {
      html = await renderToString(reply, 'error.eta', { ...view });
    } catch (renderError) {
      request.log.error({ err: renderError }, 'error page failed to render');
      html = fallbackHtml(view);
    }
    return reply.code(view.status).type('text/html; charset=utf-8').send(html);
  };
}
