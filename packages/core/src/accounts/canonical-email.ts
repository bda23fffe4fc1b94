import { domainToASCII } from 'node:url';

/**
 * SEC-35: one mailbox, one account. Before any uniqueness check or lookup an address is
 * put in one canonical form: Unicode NFKC (so fullwidth `ｅxample` is `example`), the
 * domain through IDNA/UTS-46 ToASCII (`domainToASCII`: `bücher.example` is
 * `xn--bcher-kva.example`), and everything lower-case. Null when the domain has no ASCII
 * form. The local part keeps its characters (only case and compatibility forms fold):
 * whether `a.b` and `ab` are one mailbox is the mail provider's business.
 */
export function canonicalEmail(email: string): string | null {
  const normalized = email.normalize('NFKC');
  const at = normalized.lastIndexOf('@');
  if (at <= 0 || at === normalized.length - 1) return null;
  const domain = domainToASCII(normalized.slice(at + 1));
  if (domain === '' || domain.endsWith('.')) return null;
  return `${normalized.slice(0, at).toLowerCase()}@${domain.toLowerCase()}`;
}

/** What a login form's "username or e-mail" field names: an address is canonicalised, a username kept. */
export function canonicalLogin(login: string): string {
  return login.includes('@') ? (canonicalEmail(login) ?? login) : login;
}
