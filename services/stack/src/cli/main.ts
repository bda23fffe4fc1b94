import { parseArgs } from 'node:util';
import { AdminClient, CliError } from './admin-client.js';
import type { Command, OptionSpec } from './command.js';
import { auditCommands } from './commands/audit.js';
import { balanceCommands } from './commands/balance.js';
import { chargeCommands } from './commands/charges.js';
import { clientCommands } from './commands/clients.js';
import { flowTestCommand } from './commands/flow-test.js';
import { keyCommands } from './commands/keys.js';
import { loginCommand } from './commands/login.js';
import { topupCodeCommands } from './commands/topup-codes.js';
import { userCommands } from './commands/users.js';

const commands: Command[] = [
  ...userCommands,
  ...balanceCommands,
  ...topupCodeCommands,
  ...clientCommands,
  ...chargeCommands,
  ...auditCommands,
  ...keyCommands,
  flowTestCommand,
  loginCommand,
];

const GLOBAL_OPTIONS: OptionSpec = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const GLOBAL_HELP = [
  '--url <url>       Gatehouse base URL (GATEHOUSE_URL, default http://localhost:3000)',
  '--token <token>   admin token (GATEHOUSE_ADMIN_TOKEN)',
  '--json            machine-readable output',
  '-h, --help        this help',
];

function usage(): string {
  const width = Math.max(...commands.map((c) => `${c.name} ${c.args ?? ''}`.length));
  return [
    'Usage: gatehouse <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${`${c.name} ${c.args ?? ''}`.padEnd(width)}  ${c.summary}`),
    '',
    'Options for every command:',
    ...GLOBAL_HELP.map((line) => `  ${line}`),
    '',
    'Run `gatehouse <command> --help` for a command’s own options.',
  ].join('\n');
}

function commandUsage(command: Command): string {
  return [
    `Usage: gatehouse ${command.name}${command.args ? ` ${command.args}` : ''} [options]`,
    '',
    command.summary,
    '',
    'Options:',
    ...[...(command.help ?? []), ...GLOBAL_HELP].map((line) => `  ${line}`),
  ].join('\n');
}

/** The command named by the first one or two words. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    const command = commands.find((c) => c.name === name);
    if (command) return { command, rest: argv.slice(words) };
  }
  return undefined;
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    console.log(usage());
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    const group = commands.filter((c) => c.name.startsWith(`${argv[0]} `));
    if (group.length > 0 && (argv.length === 1 || argv[1] === '--help' || argv[1] === '-h')) {
      console.log(
        group.map((c) => `gatehouse ${c.name}${c.args ? ` ${c.args}` : ''}  —  ${c.summary}`).join('\n'),
      );
      return argv.length === 1 ? 2 : 0;
    }
    throw new CliError(`unknown command "${argv.slice(0, 2).join(' ')}" (see gatehouse --help)`, 2);
  }
  const { command, rest } = found;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message} (see gatehouse ${command.name} --help)`, 2);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) {
    console.log(commandUsage(command));
    return 0;
  }
  const admin = new AdminClient({
    url: (values.url as string | undefined) ?? process.env.GATEHOUSE_URL ?? 'http://localhost:3000',
    token: (values.token as string | undefined) ?? process.env.GATEHOUSE_ADMIN_TOKEN,
  });
  await command.run(values, parsed.positionals, { admin, json: values.json === true });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CliError) {
      console.error(`gatehouse: ${error.message}`);
      process.exitCode = error.exitCode;
    } else {
      console.error(`gatehouse: unexpected error: ${(error as Error).message}`);
      process.exitCode = 1;
    }
  },
);
