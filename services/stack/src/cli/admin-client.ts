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
    // A server without an admin token says so in the API's wrapper; older ones answered
    // the framework's bare 404 ("Route GET:/api/admin/users not found"), never the wrapper.
    const disabled =
      payload?.success === undefined || payload.message?.startsWith('the admin API is disabled') === true;
    if (response.status === 404 && disabled) {
      throw new CliError(
        `the admin API is disabled on ${this.options.url}: start the server with GATEHOUSE_ADMIN_TOKEN set (at least 32 characters), and give the CLI the same token`,
      );
    }
    if (!response.ok || !payload?.success) {
      const reason = payload?.message ?? `HTTP ${response.status}`;
      throw new CliError(response.status === 401 ? `admin token refused: ${reason}` : reason);
    }
    return payload.data as T;
  }
}
