/** The developer and admin APIs' response wrapper (API.md §6, §7). */
export interface Envelope<T> {
  success: boolean;
  message: string;
  data: T;
}

export function ok<T>(message: string, data: T): Envelope<T> {
  return { success: true, message, data };
}

/**
 * A failure of the developer or admin API: its status, a message that says what is
 * wrong, and optional data (e.g. the current balance on an overdraft).
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly data: unknown = null,
  ) {
    super(message);
  }

  get body(): Envelope<unknown> {
    return { success: false, message: this.message, data: this.data };
  }
}

export const badRequest = (message: string) => new ApiError(400, message);
export const notFound = (message: string) => new ApiError(404, message);
