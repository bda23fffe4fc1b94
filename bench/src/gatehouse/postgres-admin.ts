import postgres from 'postgres';

/** `DATABASE_URL` with the bench's own database name in place of whatever it named. */
export function benchDatabaseUrl(serverUrl: string, databaseName: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${databaseName}`;
  return url.toString();
}

/** The same server's maintenance database, from which the bench database is created and dropped. */
function maintenanceUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.pathname = '/postgres';
  return url.toString();
}

async function onMaintenance(serverUrl: string, statements: string[]): Promise<void> {
  const sql = postgres(maintenanceUrl(serverUrl), { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    for (const statement of statements) await sql.unsafe(statement);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Drops (if left over from an aborted run) and creates the bench database. */
export async function recreateDatabase(serverUrl: string, databaseName: string): Promise<void> {
  await onMaintenance(serverUrl, [
    `drop database if exists "${databaseName}" with (force)`,
    `create database "${databaseName}"`,
  ]);
}

export async function dropDatabase(serverUrl: string, databaseName: string): Promise<void> {
  await onMaintenance(serverUrl, [`drop database if exists "${databaseName}" with (force)`]);
}

/**
 * The server processes of every connection to the bench database but the asking one (only those
 * of `applicationName`, e.g. pgbench's, when given).
 */
export async function backendPids(databaseUrl: string, applicationName?: string): Promise<number[]> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const rows = await sql<{ pid: number }[]>`
      select pid from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid()
         and (${applicationName ?? null}::text is null or application_name = ${applicationName ?? null})`;
    return rows.map((row) => Number(row.pid));
  } finally {
    await sql.end({ timeout: 5 });
  }
}
