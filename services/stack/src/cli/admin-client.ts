/** A failure the CLI reports as one line and a non-zero exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface AdminClientOptions {
  url: string;
  token: string | undefined;
}

/** Calls the admin API (API.md §7) and unwraps `{success, message, data}`. */
export class AdminClient {
  constructor(private readonly options: AdminClientOptions) {}

  async call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    if (!this.options.token) {
      throw new CliError('no admin token: set GATEHOUSE_ADMIN_TOKEN or pass --token', 2);
    }
    let response: Response;
    try {
      response = await fetch(new URL(path, this.options.url), {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new CliError(
        `cannot reach ${this.options.url}: ${(error as Error).cause ?? (error as Error).message}`,
      );
    }
    const text = await response.text();
    let payload: { success?: boolean; message?: string; data?: T } | undefined;
    try {
      payload = JSON.parse(text);
    } catch {
      payload = undefined;
    }
    if (response.status === 404 && !payload?.message) {
      throw new CliError(
        `${this.options.url} has no admin API (is GATEHOUSE_ADMIN_TOKEN set on the server?)`,
      );
    }
    if (!response.ok || !payload?.success) {
      const reason = payload?.message ?? `HTTP ${response.status}`;
      throw new CliError(response.status === 401 ? `admin token refused: ${reason}` : reason);
    }
    return payload.data as T;
  }
}
