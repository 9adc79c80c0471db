import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * `npm run bench`: every benchmark under scripts/bench/<name>/index.ts, one after the other (they
 * would disturb each other's figures), or only those named: `npm run bench -- envelope gas`.
 */
const here = import.meta.dirname;
const all = fs.readdirSync(here).filter((n) => fs.existsSync(path.join(here, n, "index.ts")));
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : all;
let failed = 0;
for (const name of chosen) {
  if (!all.includes(name)) {
    console.error(`bench: no benchmark "${name}" (have: ${all.join(", ")})`);
    failed++;
    continue;
  }
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(here, name, "index.ts")], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exitCode = failed > 0 ? 1 : 0;
