import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "#app/server/db.server.ts";
import { TempDir } from "#app/server/pki/testing/openssl.server.ts";
import { migrateToLatest } from "#db/migrate.ts";
import { createOrganisationWithMember } from "#test/factories/organisations.ts";
import { createTestDatabase } from "../helpers/test-app.ts";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../../..");

describe("bidhall ca (the CLI against the platform's database)", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-ca-cli-"));
  const dir = new TempDir();
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    database = await createTestDatabase();
    env = {
      NODE_ENV: "test",
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      BIDHALL_MODE: "embedded",
      BIDHALL_DATA_DIR: dataDir,
      DATABASE_URL: database.url,
    };
    const handle = await createDb({ databaseUrl: database.url, dataDir });
    try {
      await migrateToLatest(handle.db);
      const org = { kinds: ["bidder" as const], uscc: "91350100M000100Y43" };
      await createOrganisationWithMember(handle.db, {
        organisation: { name: "福建海峡建设工程有限公司", ...org },
        person: { name: "张伟", email: "bidder@example.cn" },
        roles: ["admin", "bid"],
      });
      await createOrganisationWithMember(handle.db, {
        organisation: { name: "只读单位有限公司", kinds: ["bidder"] },
        person: { name: "王五", email: "viewer@example.cn" },
        roles: ["view"],
      });
      await createOrganisationWithMember(handle.db, {
        organisation: { name: "待审核建材有限公司", kinds: ["bidder"], status: "pending" },
        person: { name: "赵六", email: "pending@example.cn" },
        roles: ["admin", "bid"],
      });
    } finally {
      await handle.close();
    }
  });
  afterAll(async () => {
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    dir.remove();
  });

  const bidhall = (...args: string[]) =>
    run(process.execPath, ["--import", "tsx", "scripts/bidhall.ts", ...args], { cwd: root, env }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  const ok = async (...args: string[]) => {
    const r = await bidhall(...args);
    expect(r.stderr.split("\n").filter((l) => l && !l.includes("warning:"))).toEqual([]);
    expect(r.code).toBe(0);
    return r.stdout;
  };
  const csr = (name: string) => {
    const r = dir.openssl([
      "req",
      "-new",
      "-newkey",
      "rsa:3072",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-subj",
      "/CN=ignored",
      "-out",
      `${name}.csr`,
    ]);
    expect(r.status).toBe(0);
    return dir.file(`${name}.csr`);
  };

  it("issues a certificate openssl accepts under the exported CA, and lists it on the CRL once revoked", async () => {
    expect(await ok("ca", "init")).toMatch(/^created the platform PKI/);
    expect(await ok("ca", "init")).toMatch(/^the platform PKI already exists/);

    await ok("ca", "issue", "--csr", csr("person"), "--member", "bidder@example.cn", "--out", dir.file("person.pem"));
    await ok("ca", "export", "--out", dir.path);
    const verified = dir.openssl(["verify", "-CAfile", "root-ca.pem", "-untrusted", "issuing-ca.pem", "person.pem"]);
    expect(verified.output).toContain("person.pem: OK");
    const subject = dir.openssl(["x509", "-in", "person.pem", "-noout", "-subject", "-nameopt", "utf8,sep_comma_plus_space"]).stdout;
    expect(subject).toContain("CN=张伟");
    expect(subject).toContain("O=福建海峡建设工程有限公司, organizationIdentifier=91350100M000100Y43");
    const serial = /serial=([0-9A-F]+)/.exec(dir.openssl(["x509", "-in", "person.pem", "-noout", "-serial"]).stdout)![1]!;

    await ok("ca", "crl", "--out", dir.file("before.crl"));
    expect(dir.openssl(["crl", "-inform", "DER", "-in", "before.crl", "-noout", "-text"]).stdout).not.toContain(serial);

    expect(await ok("ca", "revoke", "--serial", serial, "--reason", "keyCompromise")).toContain("revoked certificate");
    await ok("ca", "crl", "--out", dir.file("after.crl"));
    const text = dir.openssl(["crl", "-inform", "DER", "-in", "after.crl", "-noout", "-text"]).stdout;
    expect(text).toContain(`Serial Number: ${serial}`);
    expect(text).toContain("Key Compromise");
    // and openssl's own revocation check agrees
    expect(dir.openssl(["crl", "-inform", "DER", "-in", "after.crl", "-out", "after.crl.pem"]).status).toBe(0);
    const checked = dir.openssl([
      "verify",
      "-crl_check",
      "-CRLfile",
      "after.crl.pem",
      "-CAfile",
      "root-ca.pem",
      "-untrusted",
      "issuing-ca.pem",
      "person.pem",
    ]);
    expect(checked.status).not.toBe(0);
    expect(checked.output).toContain("certificate revoked");
  });

  it("fails with one clear line", async () => {
    const request = csr("other");
    const cases: [string[], RegExp][] = [
      [["ca", "issue", "--csr", request, "--member", "viewer@example.cn", "--out", dir.file("x.pem")], /bid, sign or operate role/],
      [["ca", "issue", "--csr", request, "--member", "pending@example.cn", "--out", dir.file("x.pem")], /has not been approved/],
      [
        ["ca", "issue", "--csr", request, "--member", "nobody@example.cn", "--out", dir.file("x.pem")],
        /member nobody@example.cn not found/,
      ],
      [
        ["ca", "issue", "--csr", dir.file("missing.csr"), "--member", "bidder@example.cn", "--out", dir.file("x.pem")],
        /cannot read certificate request/,
      ],
      [["ca", "issue", "--member", "bidder@example.cn", "--out", dir.file("x.pem")], /--csr is required/],
      [["ca", "revoke", "--serial", "abcdef", "--reason", "keyCompromise"], /certificate abcdef not found/],
      [["ca", "revoke", "--serial", "abcdef", "--reason", "tired"], /--reason must be one of/],
    ];
    for (const [args, message] of cases) {
      const r = await bidhall(...args);
      expect(r.code, args.join(" ")).toBe(1);
      const lines = r.stderr.split("\n").filter((l) => l.startsWith("bidhall:") && !l.includes("warning:"));
      expect(lines, args.join(" ")).toHaveLength(1);
      expect(lines[0]).toMatch(message);
    }
    expect(fs.existsSync(dir.file("x.pem"))).toBe(false);
  });
});
