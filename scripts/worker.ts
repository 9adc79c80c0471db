import { jobHandlers } from "#app/jobs/handlers.ts";
import { createJobRunner } from "#app/jobs/runner.ts";
import { createScheduler } from "#app/jobs/scheduler.ts";
import { timedTasks } from "#app/jobs/timed-tasks.ts";
import { bootApp, startupProblem } from "#app/server/boot.server.ts";
import { loadConfig } from "#app/server/config.server.ts";
import { loggerFor } from "#app/server/log.server.ts";

/**
 * `npm run worker`: a background worker for production and scale-out (embedded mode runs one
 * inside the web process). Any number may run against the same database.
 */
const app = await (async () => {
  const config = loadConfig();
  return bootApp({ config, log: loggerFor(config, "worker"), seed: false, ledger: true });
})().catch((e: unknown) => {
  const problem = startupProblem(e);
  if (problem === undefined) throw e;
  console.error(`bidhall worker cannot start: ${problem}`);
  process.exit(2);
});
const runner = createJobRunner(app, { handlers: jobHandlers });
runner.start();
const scheduler = createScheduler(app, timedTasks);
scheduler.start();
app.log.info("bidhall worker started");
// SIGTERM (decision 54): no new job is claimed, the running one finishes and its lease is released
// (runner.stop), the scheduler's tick ends, then the chain client and the database close.
const shutdown = async (signal: string) => {
  app.log.info(`${signal}: finishing the current job, then stopping`);
  await scheduler.stop();
  await runner.stop();
  await app.ledger?.stop();
  await app.dbHandle.close();
  process.exit(0);
};
process.once("SIGINT", () => void shutdown("SIGINT"));
process.once("SIGTERM", () => void shutdown("SIGTERM"));
