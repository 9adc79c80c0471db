import { createClock } from "./clock.server.ts";
import { ConfigError, loadConfig, type Config } from "./config.server.ts";
import { consoleLogger, type AppContext, type Logger } from "./context.server.ts";
import { assertReachable, createDb, DatabaseLockedError, DatabaseUnreachableError } from "./db.server.ts";
import { createLiveEventHubFor } from "./events/hub.server.ts";
import { scheduleReconciliation } from "./ledger/indexer.server.ts";
import { startLedger } from "./ledger/setup.server.ts";
import { ensurePlatformPki, renewLegacyPlatformCertificate } from "./pki/platform-pki.server.ts";
import { checkSmtp } from "./mail.server.ts";
import { removeStaleScratch } from "./scratch.server.ts";
import { resolveSecrets } from "./secrets.server.ts";
import { checkStorage } from "./storage.server.ts";
import { StorageUnavailableError } from "./storage-url.server.ts";
import { migrateToLatest } from "#db/migrate.ts";
import { seedDemo } from "#db/seed/index.ts";

/**
 * A story that fails half-way leaves a database that is not empty, so the next start will not
 * seed again: say so plainly, and start anyway (everything seeded so far works).
 */
async function seedDemoLogged(app: AppContext): Promise<void> {
  const started = performance.now();
  try {
    if (!(await seedDemo(app))) return;
  } catch (e) {
    app.log.error(
      `the demo data is incomplete: ${e instanceof Error ? e.message : String(e)}. Stop the server and remove ` +
        (app.config.databaseUrl ? `the database's tables and ${app.config.dataDir}` : app.config.dataDir) +
        " to load it again.",
    );
    return;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  app.log.info(`loaded the demo data into the empty database in ${seconds} s (see README for the accounts and the tour)`);
  app.log.info("demo: every seat's password and certificate backup are on the page /dev/demo");
}

/**
 * Creates everything a server, worker or CLI process shares: configuration, clock, database
 * (migrated), secrets; in embedded mode an empty database also gets the demo data and the platform
 * PKI (`pki: false` leaves that to `bidhall ca init`). `ledger: true` also starts the chain client
 * (stop it with `app.ledger.stop()` on shutdown).
 */
export async function bootApp(
  options: { config?: Config; log?: Logger; seed?: boolean; pki?: boolean; ledger?: boolean } = {},
): Promise<AppContext> {
  const config = options.config ?? loadConfig();
  const log = options.log ?? consoleLogger();
  const clock = createClock(config.clock);
  const dbHandle = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await assertReachable(dbHandle, config.databaseUrl);
    const migrated = await migrateToLatest(dbHandle.db);
    for (const r of migrated.results ?? []) log.info(`migration ${r.migrationName}: ${r.status}`);
    const secrets = resolveSecrets(config, log);
    // Plaintext a crashed process left in its scratch directory goes before anything else runs.
    await removeStaleScratch(log);
    if (config.clock) log.warn(`the platform clock is ${clock.description}`);
    const app: AppContext = { config, db: dbHandle.db, dbHandle, clock, secrets, log };
    // Lazy: no listener connection until the first SSE subscriber (stop it with `app.liveEvents.stop()`).
    app.liveEvents = createLiveEventHubFor(dbHandle, log);
    // The demo story runs through the services, so it needs the whole context; it creates the
    // platform CA itself, at the story's first instant (decision 36).
    if (config.mode === "embedded" && (options.seed ?? true)) await seedDemoLogged(app);
    // Embedded mode needs no set-up: the platform CA is created on the first start (production: `bidhall ca init`).
    // Either way a platform certificate older than its purpose is renewed at start (decision 27).
    if (config.mode === "embedded" && (options.pki ?? true)) await ensurePlatformPki(app);
    else if (options.pki ?? true) await renewLegacyPlatformCertificate(app);
    // The ledger (embedded node + journal replay, or LEDGER_RPC_URL) only where asked: the server
    // and the worker; the CLI and tests that do not need a chain start none.
    if (options.ledger) {
      // The server and the worker use the object store and SMTP: a wrong bucket, refused credentials
      // or an SMTP server that does not answer stop them now, in one line naming the setting (decision 52).
      if (config.storageUrl) await checkStorage(app);
      if (config.smtpUrl) await checkSmtp(config.smtpUrl);
      app.ledger = await startLedger(app);
      await scheduleReconciliation(app);
    }
    return app;
  } catch (e) {
    await dbHandle.close();
    throw e;
  }
}

/**
 * A start-up failure the operator fixes in the configuration or the environment (a missing or weak
 * setting, a locked or unreachable database, a development chain in production): its one-line
 * message, or undefined for a real fault (whose stack trace then helps).
 */
export function startupProblem(e: unknown): string | undefined {
  if (
    e instanceof ConfigError ||
    e instanceof DatabaseLockedError ||
    e instanceof DatabaseUnreachableError ||
    e instanceof StorageUnavailableError
  )
    return e.message;
  return undefined;
}
