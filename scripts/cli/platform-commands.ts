import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { isAppError } from "#app/domain/shared/app-error.ts";
import { verifyAuditChain } from "#app/server/audit.server.ts";
import { bootApp } from "#app/server/boot.server.ts";
import { loadConfig } from "#app/server/config.server.ts";
import type { AppContext, Logger } from "#app/server/context.server.ts";
import { createDb, type DbHandle } from "#app/server/db.server.ts";
import { resolvePkiPassphrase } from "#app/server/secrets.server.ts";
import { resolveLedgerKeySecret } from "#app/server/ledger/keys.server.ts";
import { CRL_REASONS } from "#app/server/pki/crl.server.ts";
import { ensurePlatformPki, isCrlReason } from "#app/server/pki/platform-pki.server.ts";
import { issueCertificateForMember } from "#app/services/certificates/issue-certificate.server.ts";
import { getCurrentCrl, getPublicCaCertificates } from "#app/services/certificates/read-platform-pki.server.ts";
import { revokeCertificate } from "#app/services/certificates/revoke-certificate.server.ts";
import { importCredit } from "#app/services/credit/import-credit.server.ts";
import { rotateSecrets, type SecretChange } from "#app/services/operations/rotate-secrets.server.ts";
import { migrateToLatest } from "#db/migrate.ts";
import { CliError, type CliCommand } from "./command.ts";

/**
 * The commands that act on the platform itself (ARCHITECTURE.md §7): the PKI, credit data and the
 * audit chain. They use DATABASE_URL, or the embedded database when no server holds it.
 */
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

/** Warnings (e.g. a generated development passphrase) go to stderr; routine progress is not printed. */
const cliLog: Logger = { info() {}, warn: (m) => console.error(`bidhall: warning: ${m}`), error: (m) => console.error(`bidhall: ${m}`) };

/** The platform as the server sees it (migrated database, clock, PKI passphrase), for commands that act on it. */
async function withApp<T>(fn: (app: AppContext) => Promise<T>): Promise<T> {
  const app = await bootApp({ seed: false, pki: false, log: cliLog });
  try {
    return await fn(app);
  } catch (e) {
    // AppError messages are written for people; the CLI speaks English, on one line.
    if (isAppError(e)) throw new CliError(e.messageIn("en"));
    throw e;
  } finally {
    await app.dbHandle.close();
  }
}

function readInput(file: string, what: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    throw new CliError(`cannot read ${what} ${file}`);
  }
}

function writeOutput(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, data);
}

function required(values: Record<string, string | boolean | undefined>, name: string): string {
  const v = values[name];
  if (typeof v !== "string" || v.length === 0) throw new CliError(`--${name} is required`);
  return v;
}

export const platformCommands: Record<string, CliCommand> = {
  "ca init": {
    async run(args) {
      parseArgs({ args, options: {}, strict: true });
      await withApp(async (app) => {
        const { created, renewed, authorities } = await ensurePlatformPki(app);
        console.log(
          created
            ? "created the platform PKI:"
            : renewed
              ? "the platform PKI already exists; renewed the platform signing certificate with the platform's purpose (decision 27):"
              : "the platform PKI already exists:",
        );
        for (const a of authorities) console.log(`  ${a.role.padEnd(8)} ${a.serialHex}  ${a.subject}  SHA-256 ${a.fingerprint256}`);
      });
    },
  },
  "ca export": {
    async run(args) {
      const { values } = parseArgs({ args, options: { out: { type: "string" } }, strict: true });
      const out = required(values, "out");
      await withApp(async (app) => {
        const { root, issuing } = await getPublicCaCertificates(app);
        writeOutput(path.join(out, "root-ca.pem"), root.certificatePem);
        writeOutput(path.join(out, "issuing-ca.pem"), issuing.certificatePem);
        console.log(`wrote ${path.join(out, "root-ca.pem")} and ${path.join(out, "issuing-ca.pem")}`);
      });
    },
  },
  "ca issue": {
    async run(args) {
      const { values } = parseArgs({
        args,
        options: { csr: { type: "string" }, member: { type: "string" }, out: { type: "string" } },
        strict: true,
      });
      const [csrFile, email, out] = [required(values, "csr"), required(values, "member"), required(values, "out")];
      const csrPem = readInput(csrFile, "certificate request");
      await withApp(async (app) => {
        const issued = await issueCertificateForMember(app, { email, csrPem });
        writeOutput(out, issued.certificatePem);
        console.log(
          `issued certificate ${issued.serialHex} to ${issued.personName} (${issued.organisationName}), valid until ${issued.notAfter.toISOString()}: ${out}`,
        );
      });
    },
  },
  "ca revoke": {
    async run(args) {
      const { values } = parseArgs({ args, options: { serial: { type: "string" }, reason: { type: "string" } }, strict: true });
      const serial = required(values, "serial");
      const reason = typeof values.reason === "string" ? values.reason : "unspecified";
      if (!isCrlReason(reason)) throw new CliError(`--reason must be one of ${Object.keys(CRL_REASONS).join(", ")}`);
      await withApp(async (app) => {
        const { serialHex, revokedAt } = await revokeCertificate(app, { actor: null, serial, reason });
        console.log(`revoked certificate ${serialHex} at ${revokedAt.toISOString()} (${reason})`);
      });
    },
  },
  "ca crl": {
    async run(args) {
      const { values } = parseArgs({ args, options: { out: { type: "string" } }, strict: true });
      const out = required(values, "out");
      await withApp(async (app) => {
        const crl = await getCurrentCrl(app);
        writeOutput(out, crl.der);
        console.log(`wrote CRL number ${crl.crlNumber} (next update ${crl.nextUpdate.toISOString()}): ${out}`);
      });
    },
  },
  "credit import": {
    async run(args) {
      const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
      if (positionals.length !== 1) throw new CliError("usage: bidhall credit import FILE");
      const file = positionals[0]!;
      const content = readInput(file, "credit file");
      await withApp(async (app) => {
        const r = await importCredit(app, { actor: null, filename: path.basename(file), content });
        console.log(`imported ${r.records} credit records and ${r.bans} bans from ${file} (import ${r.importId})`);
      });
    },
  },
  "secrets rotate": {
    async run(args) {
      const { values } = parseArgs({ args, options: { "dry-run": { type: "boolean" } }, strict: true });
      const dryRun = values["dry-run"] === true;
      await withApp(async (app) => {
        // The old values are the ones the platform runs with (environment, or embedded mode's
        // secrets.json); the new ones come from NEW_PKI_PASSPHRASE / NEW_LEDGER_KEY_SECRET.
        const change = (name: "PKI_PASSPHRASE" | "LEDGER_KEY_SECRET", current: () => string): SecretChange | undefined => {
          const to = process.env[`NEW_${name}`];
          if (to === undefined || to === "") return undefined;
          return { from: current(), to };
        };
        const pki = change("PKI_PASSPHRASE", () => resolvePkiPassphrase(app.config, cliLog));
        const ledger = change("LEDGER_KEY_SECRET", () => resolveLedgerKeySecret(app.config, cliLog));
        if (!pki && !ledger) throw new CliError("set NEW_PKI_PASSPHRASE and/or NEW_LEDGER_KEY_SECRET to the new value(s)");
        const r = await rotateSecrets(app, { pki, ledger, dryRun });
        const what = [
          ...(pki ? [`PKI_PASSPHRASE: ${r.pkiKeys.length} CA key(s) (${r.pkiKeys.join(", ") || "none yet"})`] : []),
          ...(ledger
            ? [
                `LEDGER_KEY_SECRET: ${r.ledgerKeys} ledger account key(s)${r.externalSigners ? `, ${r.externalSigners} external signer(s) left as they are` : ""}`,
              ]
            : []),
        ];
        if (dryRun) {
          console.log(`dry run: the current secrets open every key; nothing was changed. A rotation would re-encrypt:`);
          for (const w of what) console.log(`  ${w}`);
          return;
        }
        console.log("re-encrypted, in one transaction:");
        for (const w of what) console.log(`  ${w}`);
        // Embedded mode keeps its generated secrets in the data directory: they follow the keys.
        const updates: Record<string, string> = {};
        if (pki && !app.config.pkiPassphrase) updates.pki = pki.to;
        if (ledger && !app.config.ledgerKeySecret) updates.ledger = ledger.to;
        if (Object.keys(updates).length > 0) {
          const file = path.join(app.config.dataDir, "secrets.json");
          const stored = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
          fs.writeFileSync(file, JSON.stringify({ ...stored, ...updates }, null, 2), { mode: 0o600 });
          console.log(`updated ${file}`);
        } else console.log("now start every instance and worker with the new value(s) in place of the old");
      });
    },
  },
  "audit verify": {
    async run(args) {
      parseArgs({ args, options: {}, strict: true });
      const result = await withDatabase((h) => verifyAuditChain(h.db));
      if (!result.ok)
        throw new CliError(`audit chain broken at row ${result.badSeq}: ${result.reason} (${result.rows} rows before it are intact)`);
      console.log(`audit chain intact: ${result.rows} rows`);
    },
  },
};
