import type { FieldProblem } from '@gatehouse/core/accounts';
import type { PageError } from '../browser/page-error.js';

/** Messages to show next to each form field, keyed by the field's `name`. */
export type FieldErrors = Record<string, string[]>;

/**
 * Turns validation problems into sentences shown next to their fields. `redirect_uris[2]`
 * belongs to the `redirect_uris` textarea; messages that start with the offending value
 * (`"http://x/cb" must use https`) stand alone, the others get the field's label.
 */
export function fieldErrors(problems: readonly FieldProblem[], labels: Record<string, string>): FieldErrors {
  const errors: FieldErrors = {};
  for (const problem of problems) {
    const field = problem.field.replace(/\[\d+\]$/, '').replace(/^redirect_uri$/, 'redirect_uris');
    const label = labels[field] ?? field;
    const text = problem.message.startsWith('"') ? problem.message : `${label} ${problem.message}`;
    errors[field] ??= [];
    errors[field].push(text.endsWith('.') ? text : `${text}.`);
  }
  return errors;
}

/** One error for one field. */
export function oneError(field: string, message: string): FieldErrors {
  return { [field]: [message] };
}

/** A positive database id from the URL; anything else names nothing (404). */
export function idParam(params: unknown, name: string, notFound: () => PageError): number {
  const raw = (params as Record<string, unknown> | null)?.[name];
  if (typeof raw !== 'string' || !/^[1-9][0-9]{0,14}$/.test(raw)) throw notFound();
  return Number(raw);
}

/** Lines of a textarea: trimmed, blank lines dropped (one redirect URI per line). */
export function lines(value: string | undefined): string[] {
  return (value ?? '')
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Notices shown after a redirect (`?notice=<code>`): fixed texts, nothing from the URL is echoed. */
export function noticeText(query: unknown, texts: Record<string, string>): string | null {
  const code = (query as Record<string, unknown> | null)?.notice;
  return typeof code === 'string' && Object.hasOwn(texts, code) ? texts[code]! : null;
}
