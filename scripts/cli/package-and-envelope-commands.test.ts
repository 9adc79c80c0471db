import { execFile, execFileSync, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openBidPackage } from "#app/crypto/bid-package/open.ts";
import { compileOpeningForm, DEFAULT_OPENING_FORM } from "#app/domain/tendering/opening-form.ts";
import { makeIdentities, makeTempDir, type TestIdentity } from "#test/fixtures/envelope/pki.ts";

const root = path.resolve(import.meta.dirname, "../..");
const run = (args: string[]) =>
  promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/bidhall.ts", ...args], { cwd: root, maxBuffer: 1 << 24 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

describe("bidhall seal / unseal / package", () => {
  const tmp = makeTempDir("bidhall-cli-");
  const file = (name: string) => path.join(tmp.dir, name);
  let bidder: TestIdentity;
  const plaintext = randomBytes(3 * 1024 * 1024 + 17);

  beforeAll(async () => {
    ({ bidder } = await makeIdentities(tmp.dir, ["bidder"] as const));
    fs.writeFileSync(file("bid.zip"), plaintext);
  });
  afterAll(() => tmp.cleanup());

  it("seals so that openssl cms -decrypt opens it", async () => {
    const sealed = await run(["seal", "--recipient", bidder.certPath, "--in", file("bid.zip"), "--out", file("bid.p7m")]);
    expect(sealed.code).toBe(0);
    const opened = execFileSync(
      "openssl",
      ["cms", "-decrypt", "-inform", "DER", "-binary", "-recip", bidder.certPath, "-inkey", bidder.keyPath, "-in", file("bid.p7m")],
      { maxBuffer: 1 << 26 },
    );
    expect(opened.equals(plaintext)).toBe(true);
  });

  it("unseals what openssl cms -encrypt -aes-256-gcm with OAEP made", async () => {
    execFileSync("openssl", [
      "cms", "-encrypt", "-aes-256-gcm", "-binary", "-outform", "DER",
      "-recip", bidder.certPath, "-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256",
      "-in", file("bid.zip"), "-out", file("openssl.p7m"),
    ]); // prettier-ignore
    const result = await run([
      "unseal",
      "--key",
      bidder.keyPath,
      "--cert",
      bidder.certPath,
      "--in",
      file("openssl.p7m"),
      "--out",
      file("openssl.zip"),
    ]);
    expect(result.code).toBe(0);
    expect(fs.readFileSync(file("openssl.zip")).equals(plaintext)).toBe(true);
  });

  it("refuses a flipped byte with one line and a non-zero exit, leaving no output", async () => {
    const bytes = fs.readFileSync(file("bid.p7m"));
    bytes[bytes.length - 100]! ^= 0x01;
    fs.writeFileSync(file("flipped.p7m"), bytes);
    const result = await run([
      "unseal",
      "--key",
      bidder.keyPath,
      "--cert",
      bidder.certPath,
      "--in",
      file("flipped.p7m"),
      "--out",
      file("flipped.zip"),
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^bidhall: AUTHENTICATION_FAILED/);
    expect(fs.existsSync(file("flipped.zip"))).toBe(false);
  });

  // The envelope arrives through a named pipe: half of it, then the command is interrupted while
  // the half-decrypted (unauthenticated) plaintext is on disk. Nothing of it may remain.
  for (const [how, signal, code] of [
    ["the bin, by SIGTERM", "SIGTERM", 143],
    ["the script, by SIGINT", "SIGINT", 130],
  ] as const) {
    it(`unseal interrupted half-way (${how}) leaves no plaintext behind`, async () => {
      const dir = fs.mkdtempSync(path.join(tmp.dir, "interrupted-"));
      const fifo = path.join(dir, "bid.p7m");
      execFileSync("mkfifo", [fifo]);
      const envelope = fs.readFileSync(file("bid.p7m"));
      const out = path.join(dir, "bid.zip");
      const args = ["unseal", "--key", bidder.keyPath, "--cert", bidder.certPath, "--in", fifo, "--out", out];
      const child = spawn(
        process.execPath,
        how.startsWith("the bin") ? ["scripts/bidhall-bin.js", ...args] : ["--import", "tsx", "scripts/bidhall.ts", ...args],
        { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      // The script dies of the signal itself (as Unix programs do); the bin exits with the shell's code for it.
      const exited = new Promise<number | string | null>((resolve) => child.once("exit", (c, s) => resolve(c ?? s)));
      const writer = fs.createWriteStream(fifo);
      writer.on("error", () => undefined); // the reader goes away when the command is interrupted
      writer.write(envelope.subarray(0, envelope.length >> 1));
      const partial = () => fs.readdirSync(dir).filter((n) => n.endsWith(".partial"));
      await vi.waitFor(
        () => {
          const [name] = partial();
          expect(name && fs.statSync(path.join(dir, name)).size).toBeGreaterThan(0);
        },
        { timeout: 30_000, interval: 20 },
      );
      child.kill(signal);
      expect(await exited).toBe(how.startsWith("the bin") ? code : signal);
      writer.destroy();
      expect(stderr).toContain(`interrupted by ${signal}`);
      expect(fs.readdirSync(dir).sort()).toEqual(["bid.p7m"]);
    });
  }

  it("a run killed outright (kill -9) leaves a partial file that the next run beside it removes", async () => {
    const dir = fs.mkdtempSync(path.join(tmp.dir, "killed-"));
    // What a killed process left: its temporary output, named with a pid that no longer runs.
    const orphan = path.join(dir, ".bid.zip.999999999.0123456789ab.partial");
    fs.writeFileSync(orphan, "half of a plaintext");
    const result = await run([
      "unseal",
      "--key",
      bidder.keyPath,
      "--cert",
      bidder.certPath,
      "--in",
      file("bid.p7m"),
      "--out",
      path.join(dir, "bid.zip"),
    ]);
    expect(result.code).toBe(0);
    expect(fs.readdirSync(dir)).toEqual(["bid.zip"]);
  });

  it("builds a signed package that the opening accepts, printing its digest", async () => {
    fs.writeFileSync(file("schema.json"), JSON.stringify(compileOpeningForm(DEFAULT_OPENING_FORM)));
    fs.writeFileSync(
      file("form.json"),
      JSON.stringify({
        format: "bidhall.bid/1",
        sectionId: "sec-9",
        bidder: { uscc: "91350100M000100Y43", name: "福建海峡建设工程有限公司" },
        fields: {
          price: "98765432100",
          durationDays: 300,
          quality: "合格",
          projectManager: { name: "王建国", idNumber: "11010519491231002X" },
        },
        security: { kind: "guarantee", reference: "BG-1" },
      }),
    );
    fs.writeFileSync(file("技术标.pdf"), randomBytes(50_000));
    const result = await run([
      "package",
      "--form",
      file("form.json"),
      "--schema",
      file("schema.json"),
      "--doc",
      file("技术标.pdf"),
      "--key",
      bidder.keyPath,
      "--cert",
      bidder.certPath,
      "--out",
      file("package.zip"),
    ]);
    expect(result.code).toBe(0);
    const bytes = fs.readFileSync(file("package.zip"));
    expect(result.stdout.trim()).toBe(createHash("sha256").update(bytes).digest("hex"));
    const hash = () => {
      const h = createHash("sha256");
      return { update: (c: Uint8Array) => void h.update(c), digest: async () => h.digest("hex") };
    };
    const opened = await openBidPackage(new Uint8Array(bytes), { hash });
    expect(opened.documents.map((d) => d.path)).toEqual(["documents/技术标.pdf"]);
    expect(opened.manifest.device.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses fields that do not fit the opening form, naming the field", async () => {
    const form = JSON.parse(fs.readFileSync(file("form.json"), "utf8")) as { fields: Record<string, unknown> };
    form.fields.price = "12.50";
    fs.writeFileSync(file("bad-form.json"), JSON.stringify(form));
    const result = await run([
      "package",
      "--form",
      file("bad-form.json"),
      "--schema",
      file("schema.json"),
      "--doc",
      file("技术标.pdf"),
      "--key",
      bidder.keyPath,
      "--cert",
      bidder.certPath,
      "--out",
      file("bad.zip"),
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("/price");
  });
});

describe("bidhall's start", () => {
  it("loads only the module of the command that runs: seal never loads the database, the PDF code or the ledger client", async () => {
    const dir = makeTempDir("bidhall-cli-loads-");
    try {
      const { bidder } = await makeIdentities(dir.dir, ["bidder"] as const);
      fs.writeFileSync(path.join(dir.dir, "one.txt"), "x");
      const loads = path.join(dir.dir, "loads.txt");
      const hooks = path.join(root, "test/fixtures/cli/record-module-loads.mjs");
      const args = ["seal", "--recipient", bidder.certPath, "--in", path.join(dir.dir, "one.txt"), "--out", path.join(dir.dir, "one.p7m")];
      await promisify(execFile)(process.execPath, ["--import", "tsx", "--import", hooks, "scripts/bidhall.ts", ...args], {
        cwd: root,
        env: { ...process.env, BIDHALL_RECORD_LOADS: loads },
      });
      const loaded = fs.readFileSync(loads, "utf8").split("\n");
      expect(loaded.some((u) => u.endsWith("/scripts/cli/envelope-commands.ts"))).toBe(true);
      for (const heavy of [
        "/app/server/db.server.ts",
        "/node_modules/@electric-sql/pglite/",
        "/node_modules/pdf-lib/",
        "/node_modules/ethers/",
        "/node_modules/kysely/",
        "/node_modules/ajv/",
        "/scripts/cli/platform-commands.ts",
      ])
        expect(
          loaded.filter((u) => u.includes(heavy)),
          heavy,
        ).toEqual([]);
    } finally {
      dir.cleanup();
    }
  });
});
