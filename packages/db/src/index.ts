export {
  canonicaliseStoredEmails,
  type EmailCanonicalisationReport,
  type EmailDuplicate,
} from './canonical-emails.js';
export {
  type Database,
  type Db,
  type OpenDatabaseOptions,
  openDatabase,
  type PgliteDatabaseHandle,
  type PostgresDatabase,
} from './connection.js';
export { DatabaseError } from './errors.js';
export { type MigrationReport, migrateDatabase, migrationsFolder, withStartupLock } from './migrate.js';
export * as schema from './schema/index.js';
export { sqlExecutorOf, transactionExecutor } from './sql-executor.js';
export { createDurableStores } from './stores/index.js';
