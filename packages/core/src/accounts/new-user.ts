import { canonicalEmail } from './canonical-email.js';
import type { FieldProblem, Validation } from './problems.js';

export const USERNAME_RULE = { min: 3, max: 32, pattern: /^[A-Za-z0-9_.-]+$/ } as const;
export const PASSWORD_RULE = { min: 10, max: 1024 } as const;
export const EMAIL_MAX_LENGTH = 254;

export interface NewUserInput {
  username: string;
  email: string;
  password: string;
}

/** Length in characters as people count them (code points), not UTF-16 units. */
function length(value: string): number {
  return [...value].length;
}

export function usernameProblem(username: unknown): string | null {
  if (typeof username !== 'string' || username === '') return 'is required';
  const n = length(username);
  if (n < USERNAME_RULE.min || n > USERNAME_RULE.max) {
    return `must be ${USERNAME_RULE.min} to ${USERNAME_RULE.max} characters (got ${n})`;
  }
  if (!USERNAME_RULE.pattern.test(username)) {
    return 'may contain only letters A–Z and a–z, digits, "_", "." and "-"';
  }
  return null;
}

/**
 * A plausible address: one `@`, a non-empty local part of at most 64 characters,
 * a domain of dot-separated labels with at least one dot, no spaces or control
 * characters. Deliverability is not our business here.
 */
export function emailProblem(email: unknown): string | null {
  if (typeof email !== 'string' || email === '') return 'is required';
  if (email.length > EMAIL_MAX_LENGTH) return `must be at most ${EMAIL_MAX_LENGTH} characters`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\s\x00-\x1f\x7f]/.test(email)) return 'must not contain spaces or control characters';
  const at = email.lastIndexOf('@');
  if (at < 0 || email.indexOf('@') !== at) return 'must look like name@example.com (exactly one "@")';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local === '' || local.length > 64) return 'must have 1 to 64 characters before the "@"';
  const labels = domain.split('.');
  if (
    labels.length < 2 ||
    labels.some(
      (l) => !/^[A-Za-z0-9\u0080-\uffff](?:[A-Za-z0-9\u0080-\uffff-]*[A-Za-z0-9\u0080-\uffff])?$/.test(l),
    )
  ) {
    return 'must have a domain such as example.com after the "@"';
  }
  return null;
}

export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string' || password === '') return 'is required';
  const n = length(password);
  if (n < PASSWORD_RULE.min) return `must be at least ${PASSWORD_RULE.min} characters (got ${n})`;
  if (n > PASSWORD_RULE.max) return `must be at most ${PASSWORD_RULE.max} characters`;
  return null;
}

/**
 * Validates a sign-up or an admin-created user. Every field is checked, so a form
 * can show all problems at once. The username and password are returned as given
 * (usernames are matched case-insensitively by the store; a password is never altered);
 * the e-mail address in its canonical form (SEC-35).
 */
export function validateNewUser(input: {
  username?: unknown;
  email?: unknown;
  password?: unknown;
}): Validation<NewUserInput> {
  const problems: FieldProblem[] = [];
  const check = (field: keyof NewUserInput, problem: string | null) => {
    if (problem) problems.push({ field, message: problem });
  };
  check('username', usernameProblem(input.username));
  check('email', emailProblem(input.email));
  check('password', passwordProblem(input.password));
  // SEC-35: stored (and compared) only in its canonical form.
  const email = typeof input.email === 'string' ? canonicalEmail(input.email) : null;
  if (email === null && !problems.some((p) => p.field === 'email')) {
    check('email', 'must have a domain such as example.com after the "@"');
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      username: input.username as string,
      email: email as string,
      password: input.password as string,
    },
  };
}
