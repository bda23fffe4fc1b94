/**
 * An error shown as an HTML page with its own status (403 for CSRF, 400 for a stale
 * consent form...). Never redirected anywhere, whatever the request.
 */
export class PageError extends Error {
  override readonly name = 'PageError';
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export function csrfError(): PageError {
  return new PageError(
    403,
    'This form has expired',
    'The form was not sent from a current Gatehouse page. Go back, reload the page and try again.',
  );
}
