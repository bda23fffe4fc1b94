import { InvalidRequestError } from '../errors.js';
import type { RawAuthorizationRequest } from './parameters.js';

export type PromptValue = 'none' | 'login' | 'consent';

/** What the client asked about user interaction. */
export interface Prompt {
  /** Never show a page: `login_required` / `consent_required` instead. */
  none: boolean;
  /** Ask for the password again even with a valid session. */
  login: boolean;
  /** Show the consent page even when a grant covers the request. */
  consent: boolean;
}

const PROMPT_VALUES: readonly PromptValue[] = ['none', 'login', 'consent'];
/** A user has one account here: choosing an account is signing in again. */
const ALIASES: Readonly<Record<string, PromptValue>> = { select_account: 'login' };

/**
 * `prompt`: a space-separated set of `none`, `login`, `consent`, `select_account` (read as
 * `login`) (OpenID Connect Core §3.1.2.1); `none` cannot be combined with the others.
 */
export function checkPrompt(raw: RawAuthorizationRequest): Prompt {
  const value = raw.params.prompt;
  const prompt: Prompt = { none: false, login: false, consent: false };
  if (value === undefined) return prompt;
  for (const part of value.split(' ')) {
    const name = ALIASES[part] ?? part;
    if (!(PROMPT_VALUES as readonly string[]).includes(name)) {
      throw new InvalidRequestError('prompt must be none, login, consent or select_account');
    }
    prompt[name as PromptValue] = true;
  }
  if (prompt.none && (prompt.login || prompt.consent)) {
    throw new InvalidRequestError('prompt=none cannot be combined with other prompt values');
  }
  return prompt;
}

/** `auto_authorize=true` asks for one-click login; any other value (or none) does not. */
export function readAutoAuthorize(raw: RawAuthorizationRequest): boolean {
  return raw.params.auto_authorize?.toLowerCase() === 'true';
}

/** The `prompt` value without `login` (after the user has just signed in again), or undefined when empty. */
export function withoutLoginPrompt(prompt: Prompt): string | undefined {
  const rest = PROMPT_VALUES.filter((p) => p !== 'login' && prompt[p]);
  return rest.length > 0 ? rest.join(' ') : undefined;
}
