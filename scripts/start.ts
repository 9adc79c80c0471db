import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * `npm start`: build the app when the build is missing or older than any source it is made
 * from, then serve it. (Tests serve the built app too.)
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const built = path.join(root, "build/server/index.js");
const SOURCES = ["app", "db", "vite.config.ts", "package-lock.json", "contracts/artifacts"];

export function newestSourceMtime(dir = root): number {
  let newest = 0;
  const visit = (p: string) => {
    if (!fs.existsSync(p)) return;
    const stat = fs.statSync(p);
    if (stat.isDirectory()) for (const entry of fs.readdirSync(p)) visit(path.join(p, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const s of SOURCES) visit(path.join(dir, s));
  return newest;
}

export function buildIsStale(): boolean {
  return !fs.existsSync(built) || fs.statSync(built).mtimeMs < newestSourceMtime();
}

export function buildApp(): void {
  console.log("bidhall: building the app (sources changed or no build yet)…");
  const result = spawnSync(path.join(root, "node_modules/.bin/remix"), ["vite:build"], { cwd: root, stdio: "inherit", env: process.env });
  if (result.status !== 0) {
    console.error("bidhall: the build failed");
    process.exit(result.status ?? 1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (buildIsStale()) buildApp();
  const { main } = await import("../server.ts");
  await main();
}
