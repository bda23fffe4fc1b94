import type { ParseArgsConfig } from 'node:util';
import type { AdminClient } from './admin-client.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  admin: AdminClient;
  json: boolean;
}

export interface Command {
  /** e.g. `users create` */
  name: string;
  summary: string;
  /** Positional arguments, e.g. `<user-id>`. */
  args?: string;
  options?: OptionSpec;
  /** One line per option: `--email <email>  the address`. */
  help?: string[];
  run(
    values: Record<string, string | boolean | undefined>,
    positionals: string[],
    context: CommandContext,
  ): Promise<void>;
}
