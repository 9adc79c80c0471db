import type { CliCommand } from "./cli/command.ts";
import { removeUnfinishedOutputs } from "#app/server/envelope/files.server.ts";

/**
 * The command-line tool (ARCHITECTURE.md §7): `npm run bidhall -- <command>`. Every command exits
 * non-zero with one line saying why on failure. Commands that act on the platform use
 * DATABASE_URL, or the embedded database when no server holds it.
 *
 * Only the module of the command that runs is loaded: `bidhall seal` starts without the database,
 * the PDF fonts or the ledger client, which the platform commands need.
 */
interface Entry {
  summary: string;
  load(): Promise<CliCommand>;
}

const commands: Record<string, Entry> = {
  package: {
    summary:
      "build and sign a bid package (--form bid.json --schema FILE --doc FILE… --p12 FILE --password-env NAME | --key --cert) --out PACKAGE.zip",
    load: async () => (await import("./cli/package-command.ts")).packageCommand,
  },
  seal: {
    summary: "encrypt a file for its recipients (--recipient CERT.pem… --in FILE --out FILE.p7m), streaming",
    load: async () => (await import("./cli/envelope-commands.ts")).envelopeCommands.seal,
  },
  unseal: {
    summary: "decrypt an envelope with a private key (--key KEY.pem --cert CERT.pem --in FILE.p7m --out FILE), streaming",
    load: async () => (await import("./cli/envelope-commands.ts")).envelopeCommands.unseal,
  },
  section: {
    summary: "download a section's opening-form schema and recipient certificates (--server URL --token TOKEN --section ID --out DIR)",
    load: async () => (await import("./cli/section-command.ts")).sectionCommand!,
  },
  submit: {
    summary:
      "upload an offline-sealed bid over tus and print the receipt (--server URL --token TOKEN --section ID --envelope FILE.p7m --digest HEX [--receipt FILE] [--security-kind guarantee|credit-commitment --security-reference REF])",
    load: async () => (await import("./cli/submit-command.ts")).submitCommand!,
  },
  verify: {
    summary: "check a signed PDF or a receipt/confirmation JWS (FILE [--trust ROOT.pem] [--platform CERTS.pem] [--server URL])",
    load: async () => (await import("./cli/verify-command.ts")).verifyCommand!,
  },
  samples: {
    summary:
      "--out DIR: sample signed documents (opening records, complaint decision, guarantee letter, award and result notices), root-ca.pem and platform.pem, with a throwaway PKI",
    load: async () => (await import("./cli/samples-command.ts")).samplesCommand!,
  },
  "ca init": {
    summary: "create root CA, issuing CA and the platform signing certificate (idempotent)",
    load: async () => (await import("./cli/platform-commands.ts")).platformCommands["ca init"]!,
  },
  "ca export": {
    summary: "--out DIR: write root-ca.pem and issuing-ca.pem",
    load: async () => (await import("./cli/platform-commands.ts")).platformCommands["ca export"]!,
  },
  "ca issue": {
    summary: "--csr FILE.csr --member EMAIL --out FILE.pem: a person certificate for that member",
    load: async () => (await import("./cli/platform-commands.ts")).platformCommands["ca issue"]!,
  },
  "ca revoke": {
    summary: "--serial HEX --reason R: revoke a person certificate and publish a new CRL",
    load: async () => (await import("./cli/platform-commands.ts")).platformCommands["ca revoke"]!,
  },
  "ca crl": {
    summary: "--out FILE.crl: the issuing CA's current CRL (DER)",
    load: async () => (await import("./cli/platform-commands.ts")).platformCommands["ca crl"]!,
  },
  "credit import": {
    summary:
      "FILE: credit grades and bans from CSV or JSON (uscc, grade, effective_from, effective_to, source, reason, ban_scope, ban_until); all or nothing",
    load: async () => (await import("./cli/platform-commands.ts")).platformCommands["credit import"]!,
  },
  "secrets rotate": {
    summary:
      "[--dry-run]: re-encrypt the CA and ledger keys from PKI_PASSPHRASE / LEDGER_KEY_SECRET to NEW_PKI_PASSPHRASE / NEW_LEDGER_KEY_SECRET, in one transaction",
    load: async () => (await import("./cli/platform-commands.ts")).platformCommands["secrets rotate"]!,
  },
  "audit verify": {
    summary: "walk the audit hash chain; name the first bad row",
    load: async () => (await import("./cli/platform-commands.ts")).platformCommands["audit verify"]!,
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
    await (await command.load()).run(args);
    return 0;
  } catch (e) {
    console.error(`bidhall: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

/**
 * Interrupted (Ctrl-C, a service manager's SIGTERM, a closed terminal): remove what is half
 * written — for `unseal`, unauthenticated plaintext — then die of the same signal, as a Unix
 * program should (the shell reports 130, 143 or 129). Re-raising also ends a process whose read
 * is stuck in a worker thread (a pipe that no longer sends), which `process.exit` would wait for.
 */
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => {
    const removed = removeUnfinishedOutputs();
    process.stderr.write(`bidhall: interrupted by ${signal}${removed > 0 ? "; the unfinished output was removed" : ""}\n`);
    process.kill(process.pid, signal);
  });
}

process.exitCode = await main(process.argv.slice(2));
