import { createHash, createPrivateKey, randomBytes, X509Certificate, type KeyObject } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { writeBidPackage, type PackageDocument } from "#app/crypto/bid-package/build.ts";
import { BidJson } from "#app/crypto/bid-package/formats.ts";
import { readPkcs12Backup } from "#app/crypto/pki/pkcs12.ts";
import type { CliCommand } from "./command.ts";

/**
 * The offline tool's `package` command (ARCHITECTURE.md §7): builds and signs exactly the bid
 * package the browser builds, streaming, so multi-GiB bids work.
 */
class UsageError extends Error {}

function need<T>(value: T | undefined, flag: string): T {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) throw new UsageError(`missing ${flag}`);
  return value;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Offline tool's device fingerprint: SHA-256 of the machine id and the network hardware addresses. */
export function deviceFingerprint(): string {
  let machineId = "";
  for (const f of ["/etc/machine-id", "/var/lib/dbus/machine-id"]) {
    try {
      machineId = fs.readFileSync(f, "utf8").trim();
      break;
    } catch {
      // try the next one
    }
  }
  const macs = Object.values(os.networkInterfaces())
    .flat()
    .map((i) => i?.mac)
    .filter((m): m is string => !!m && m !== "00:00:00:00:00:00")
    .sort();
  return createHash("sha256")
    .update(JSON.stringify({ machineId, macs: [...new Set(macs)] }))
    .digest("hex");
}

/** The signing identity: a PKCS#12 backup (password from an environment variable) or PEM files. */
function loadIdentity(values: { p12?: string; "password-env"?: string; key?: string; cert?: string; chain?: string[] }): {
  key: KeyObject;
  x5c: string[];
} {
  if (values.p12) {
    const envName = need(values["password-env"], "--password-env NAME (the variable holding the backup's password)");
    const password = process.env[envName];
    if (password === undefined) throw new UsageError(`the environment variable ${envName} is not set`);
    const backup = readPkcs12Backup(fs.readFileSync(values.p12), password);
    const der = (pem: string) => new X509Certificate(pem).raw.toString("base64");
    return {
      key: createPrivateKey({ key: Buffer.from(backup.privateKeyPkcs8Der), format: "der", type: "pkcs8" }),
      x5c: [der(backup.certificatePem), ...backup.chainPem.slice(0, 1).map(der)],
    };
  }
  const key = createPrivateKey(fs.readFileSync(need(values.key, "--key KEY.pem or --p12 FILE")));
  const certs = [need(values.cert, "--cert CERT.pem"), ...(values.chain ?? [])].map((f) =>
    new X509Certificate(fs.readFileSync(f)).raw.toString("base64"),
  );
  return { key, x5c: certs };
}

export const packageCommand: CliCommand = {
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        form: { type: "string" },
        schema: { type: "string" },
        doc: { type: "string", multiple: true },
        p12: { type: "string" },
        "password-env": { type: "string" },
        key: { type: "string" },
        cert: { type: "string" },
        chain: { type: "string", multiple: true },
        out: { type: "string" },
      },
      strict: true,
    });
    const bidParsed = BidJson.safeParse(JSON.parse(fs.readFileSync(need(values.form, "--form bid.json"), "utf8")));
    if (!bidParsed.success)
      throw new UsageError(`bid.json: ${bidParsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
    const ajv = new Ajv2020({ allErrors: true });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(need(values.schema, "--schema FILE"), "utf8")) as object);
    if (!validate(bidParsed.data.fields)) {
      throw new UsageError(
        `the fields do not fit the section's opening form: ${(validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ")}`,
      );
    }
    const identity = loadIdentity(values);
    const documents: PackageDocument[] = [];
    for (const file of need(values.doc, "--doc FILE")) {
      const stat = fs.statSync(file);
      documents.push({
        path: path.basename(file).normalize("NFC"),
        size: stat.size,
        sha256: await sha256File(file),
        open: () => Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>,
      });
    }
    const out = need(values.out, "--out PACKAGE.zip");
    const digest = createHash("sha256");
    const file = fs.createWriteStream(out);
    const sink = new WritableStream<Uint8Array>({
      write: (chunk) =>
        new Promise<void>((resolve, reject) => {
          digest.update(chunk);
          file.write(chunk, (e) => (e ? reject(e) : resolve()));
        }),
      close: () => new Promise<void>((resolve, reject) => file.end((e?: Error | null) => (e ? reject(e) : resolve()))),
    });
    await writeBidPackage(
      {
        bid: bidParsed.data,
        documents,
        signer: identity,
        sealedAt: new Date(),
        salt: new Uint8Array(randomBytes(32)),
        tool: { name: "bidhall-cli", version: "0.1.0" },
        deviceFingerprint: deviceFingerprint(),
        sha256: async (b) => createHash("sha256").update(b).digest("hex"),
      },
      sink,
    );
    console.log(digest.digest("hex"));
  },
};
