import { parseArgs } from "node:util";
import { verifyAuditChain } from "#app/server/audit.server.ts";
import { loadConfig } from "#app/server/config.server.ts";
import { createDb, type DbHandle } from "#app/server/db.server.ts";
import { migrateToLatest } from "#db/migrate.ts";
import { bidCommands } from "./cli/bid-commands.ts";
import { verifyCommand } from "./cli/verify-command.ts";

/**
 * The command-line tool (ARCHITECTURE.md §7): `npm run bidhall -- <command>`. Every command exits
 * non-zero with one line saying why on failure. Commands that act on the platform use
 * DATABASE_URL, or the embedded database when no server holds it.
 */
export class CliError extends Error {
  override name = "CliError";
}

interface Command {
  summary: string;
  run(args: string[]): Promise<void>;
}

async function withDatabase<T>(fn: (handle: DbHandle) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const handle = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(handle.db);
    return await fn(handle);
  } finally {
    await handle.close();
  }
}

const commands: Record<string, Command> = {
  ...bidCommands,
  verify: verifyCommand,
  "audit verify": {
    summary: "walk the audit hash chain; name the first bad row",
    async run(args) {
      parseArgs({ args, options: {}, strict: true });
      const result = await withDatabase((h) => verifyAuditChain(h.db));
      if (!result.ok)
        throw new CliError(`audit chain broken at row ${result.badSeq}: ${result.reason} (${result.rows} rows before it are intact)`);
      console.log(`audit chain intact: ${result.rows} rows`);
    },
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return [
    "usage: bidhall <command> [options]",
    "",
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [first, second, ...rest] = argv;
  const two = `${first ?? ""} ${second ?? ""}`;
  const [command, args] = commands[two]
    ? [commands[two], rest]
    : first && commands[first]
      ? [commands[first], argv.slice(1)]
      : [undefined, []];
  if (!command) {
    console.error(first && first !== "--help" && first !== "help" ? `bidhall: unknown command "${argv.join(" ")}"\n\n${usage()}` : usage());
    return first && first !== "--help" && first !== "help" ? 2 : 0;
  }
  try {
    await command.run(args);
    return 0;
  } catch (e) {
    console.error(`bidhall: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
