import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";

/**
 * Benchmarks print their figures and also keep the latest ones in docs/benchmarks.md, each in
 * its own marked section so benchmarks can be run (and re-run) independently.
 */
const file = path.resolve(import.meta.dirname, "../../docs/benchmarks.md");

export function machineLine(): string {
  const cpu = fs
    .readFileSync("/proc/cpuinfo", "utf8")
    .split("\n")
    .find((l) => l.startsWith("model name"))
    ?.split(":")[1]
    ?.trim();
  const openssl = execFileSync("openssl", ["version"]).toString().trim();
  return `${cpu ?? "unknown CPU"}, ${(fs.readFileSync("/proc/cpuinfo", "utf8").match(/^processor/gm) ?? []).length} cores, Node ${process.version}, ${openssl}`;
}

export function writeSection(name: string, markdown: string): void {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  let doc = fs.existsSync(file)
    ? fs.readFileSync(file, "utf8")
    : "# Benchmarks\n\nThe latest figures of `npm run bench`, each section written by its benchmark.\n";
  const section = `${start}\n${markdown.trim()}\n${end}`;
  const re = new RegExp(`${start}[\\s\\S]*?${end}`);
  doc = re.test(doc) ? doc.replace(re, section) : `${doc.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, doc);
}

export function table(headers: string[], rows: (string | number)[][]): string {
  return [`| ${headers.join(" | ")} |`, `|${headers.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}
