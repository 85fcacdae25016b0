import { defineConfig } from "drizzle-kit";

// `pnpm --filter @yardstick/db generate` diffs src/schema against migrations/meta and writes
// the next SQL migration. Review it and commit it; the runtime applies it (src/migrate.ts).
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema/index.ts",
  out: "./migrations",
  casing: "snake_case",
  strict: true,
  verbose: true,
});
