import { describe, expect, it } from 'vitest';
import { s256 } from '../oauth/pkce.js';
import { buildTryIt, checkTryItChoice, defaultTryItChoice } from './app-try-it.js';

const client = {
  clientId: 'gh_app',
  redirectUris: ['https://app.example.com/cb', 'http://localhost:3001/cb'],
  allowedScopes: ['profile', 'email', 'balance'],
  tokenEndpointAuthMethod: 'client_secret_basic' as const,
};
const ISSUER = 'https://auth.example.com';

describe('Try it', () => {
  it('starts from the first registered redirect URI and profile', () => {
    expect(defaultTryItChoice(client)).toEqual({
      redirectUri: 'https://app.example.com/cb',
      scopes: ['profile'],
      autoAuthorize: false,
    });
    expect(defaultTryItChoice({ redirectUris: [] }).redirectUri).toBe('');
  });

  it("keeps only the app's scopes, in the app's order, and defaults to the first redirect URI", () => {
    const checked = checkTryItChoice(client, {
      redirectUri: undefined,
      scopes: ['balance', 'admin', 'profile'],
      autoAuthorize: true,
    });
    expect(checked).toEqual({
      choice: {
        redirectUri: 'https://app.example.com/cb',
        scopes: ['profile', 'balance'],
        autoAuthorize: true,
      },
      problem: null,
    });
  });

  it('refuses an unregistered redirect URI before looking at scopes', () => {
    const checked = checkTryItChoice(client, {
      redirectUri: 'https://evil.example/cb',
      scopes: [],
      autoAuthorize: false,
    });
    expect(checked.problem).toBe('Choose one of the registered redirect URIs.');
    expect(checked.choice.redirectUri).toBe('https://evil.example/cb');
  });

  it('refuses a choice without any scope the app may ask for', () => {
    const checked = checkTryItChoice(client, {
      redirectUri: 'http://localhost:3001/cb',
      scopes: ['admin'],
      autoAuthorize: false,
    });
    expect(checked).toEqual({
      choice: { redirectUri: 'http://localhost:3001/cb', scopes: [], autoAuthorize: false },
      problem: 'Choose at least one scope.',
    });
  });

  it('builds an S256 authorization URL with %20 between scopes and a fresh state each time', () => {
    const choice = {
      redirectUri: 'https://app.example.com/cb',
      scopes: ['profile', 'balance'],
      autoAuthorize: true,
    };
    const tried = buildTryIt(ISSUER, client, choice);
    const url = new URL(tried.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${ISSUER}/api/oauth2/authorize`);
    expect(tried.url).toContain('scope=profile%20balance');
    expect(tried.url).not.toContain('+');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'gh_app',
      redirect_uri: 'https://app.example.com/cb',
      scope: 'profile balance',
      state: tried.state,
      code_challenge: s256(tried.codeVerifier),
      code_challenge_method: 'S256',
      auto_authorize: 'true',
    });
    expect(tried.scope).toBe('profile balance');
    expect(buildTryIt(ISSUER, client, choice).state).not.toBe(tried.state);
    expect(buildTryIt(ISSUER, client, choice).codeVerifier).not.toBe(tried.codeVerifier);
  });

  it('asks for the client secret in the token request only when the app has one (SEC-50)', () => {
    const choice = { redirectUri: 'https://app.example.com/cb', scopes: ['profile'], autoAuthorize: false };
    const confidential = buildTryIt(ISSUER, client, choice);
    expect(confidential.url).not.toContain('auto_authorize');
    expect(confidential.tokenRequest).toContain('-d client_secret=<your client secret>');
    expect(confidential.tokenRequest).toContain(`-d code_verifier=${confidential.codeVerifier}`);
    const open = buildTryIt(ISSUER, { ...client, tokenEndpointAuthMethod: 'none' }, choice);
    expect(open.tokenRequest).not.toContain('client_secret');
    expect(open.tokenRequest.split('\n')[0]).toBe(`curl -X POST ${ISSUER}/api/oauth2/token \\`);
  });
});
