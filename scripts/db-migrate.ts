import { loadConfig } from "#app/server/config.server.ts";
import { createDb } from "#app/server/db.server.ts";
import { migrateToLatest } from "#db/migrate.ts";

/** `npm run db:migrate`: apply every pending migration (the server also does this at start-up). */
const config = loadConfig();
const handle = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  const result = await migrateToLatest(handle.db);
  const applied = result.results ?? [];
  console.log(
    applied.length === 0 ? "bidhall: the database is up to date" : applied.map((r) => `bidhall: ${r.migrationName} ${r.status}`).join("\n"),
  );
} catch (e) {
  console.error(`bidhall: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  await handle.close();
}
