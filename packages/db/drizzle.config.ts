import { defineConfig } from 'drizzle-kit';

// Migrations are generated from the schema and committed; `drizzle-kit push` is for local experiments only.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: './drizzle',
  strict: true,
});
