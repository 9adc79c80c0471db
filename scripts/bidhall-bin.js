#!/usr/bin/env node
// The `bidhall` bin: runs scripts/bidhall.ts through tsx from wherever it is installed. Signals
// reach the command itself (it removes half-written output before it exits), and its exit code
// comes back, so `kill <this pid>` is as safe as Ctrl-C.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = createRequire(import.meta.url).resolve("tsx");
const child = spawn(process.execPath, ["--import", tsx, path.join(here, "bidhall.ts"), ...process.argv.slice(2)], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGINT" ? 130 : signal === "SIGHUP" ? 129 : 143)));
