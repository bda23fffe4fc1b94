import { Browser, type BrowserTransport, fetchTransport } from '@gatehouse/service-kit/browser';

/**
 * The scripted browser (service-kit's: cookie jar, forms, manual redirects) over fetch to a
 * real port. Drives Gatehouse's pages from tests, the flow-test tool and the benchmark without
 * a real browser; another transport (HTTPS through a gateway) keeps all of that.
 */
export class HttpBrowser extends Browser<Response> {
  constructor(origin: string, transport: BrowserTransport<Response> = fetchTransport) {
    super(origin, transport);
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" };

/** Markup as the words a person would read on the page, entities decoded, white space folded. */
function textOf(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#?\w+);/g, (entity, name: string) => ENTITIES[name.toLowerCase()] ?? entity)
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * What an error page says, for a terminal: its heading and its alert (the provider's
 * error pages put the OAuth error there), never the page's markup.
 */
export function pageMessage(html: string): string {
  const heading = /<h1\b[^>]*>([\s\S]*?)<\/h1>/i.exec(html)?.[1];
  const alert = /<[a-z]+\b[^>]*role="alert"[^>]*>([\s\S]*?)<\/[a-z]+>/i.exec(html)?.[1];
  const parts = [heading, alert].filter((part): part is string => part !== undefined).map(textOf);
  if (parts.length > 0) return parts.filter(Boolean).join(': ');
  const body = /<body\b[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html;
  const words = textOf(body);
  return words.length > 200 ? `${words.slice(0, 200)}…` : words;
}

/** The `name → value` pairs of every `<input>` in an HTML page (hidden fields, CSRF tokens). */
export function readInputs(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const tag of html.match(/<input\b[^>]*>/gi) ?? []) {
    const name = /\bname="([^"]*)"/i.exec(tag)?.[1];
    const value = /\bvalue="([^"]*)"/i.exec(tag)?.[1];
    if (name !== undefined) fields[name] = decodeEntities(value ?? '');
  }
  return fields;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export interface BrowserLoginResult {
  /** The final redirect to the client (with code, state, iss) — or an error redirect. */
  callback: URL;
  /** True when a consent page was shown and approved. */
  consentShown: boolean;
}

/**
 * Follows an authorization URL as a user would: signs in when asked, approves consent
 * when shown, and returns the redirect to the client's redirect URI.
 */
export async function authorizeAsUser(
  browser: HttpBrowser,
  authorizationUrl: string,
  credentials: { username: string; password: string },
  decision: 'approve' | 'deny' = 'approve',
): Promise<BrowserLoginResult> {
  let consentShown = false;
  let next: string = authorizationUrl;
  for (let hop = 0; hop < 10; hop++) {
    const response = await browser.request(next);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const target = new URL(location, browser.origin);
      if (target.origin !== browser.origin) return { callback: target, consentShown };
      if (target.pathname === '/login') {
        const page = await browser.request(target.pathname + target.search);
        const fields = readInputs(await page.text());
        const login = await browser.request(target.pathname + target.search, {
          form: { ...fields, username: credentials.username, password: credentials.password },
        });
        const after = login.headers.get('location');
        if (login.status !== 303 || !after) throw new Error(`login failed with status ${login.status}`);
        next = after;
        continue;
      }
      next = target.pathname + target.search;
      continue;
    }
    const html = await response.text();
    if (response.status !== 200)
      throw new Error(`authorization stopped with status ${response.status}: ${pageMessage(html)}`);
    const fields = readInputs(html);
    if (!fields.request_id) throw new Error('expected a consent page with a request_id field');
    consentShown = true;
    const answer = await browser.request('/api/oauth2/authorize', { form: { ...fields, decision } });
    const callback = answer.headers.get('location');
    if (!callback) throw new Error(`consent answered ${answer.status} without a redirect`);
    return { callback: new URL(callback, browser.origin), consentShown };
  }
  throw new Error('too many redirects');
}
