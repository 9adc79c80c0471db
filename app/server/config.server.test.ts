import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, isLoopbackHost, loadConfig, parseTrustedProxies, PRODUCTION_REQUIRED, PRODUCTION_SECRETS } from "./config.server.ts";
import { bitsPerCharacter, secretWeakness } from "./secret-strength.server.ts";

const strong = () => randomBytes(33).toString("base64");
const fullProduction: Record<string, string> = Object.fromEntries(
  PRODUCTION_REQUIRED.map((k) => [k, (PRODUCTION_SECRETS as readonly string[]).includes(k) ? strong() : `value-of-${k}`]),
);
fullProduction.PUBLIC_URL = "https://bidhall.example.cn";
fullProduction.STORAGE_URL = "s3://bidhall-files/centre";

describe("loadConfig", () => {
  it("needs nothing in embedded mode", () => {
    const config = loadConfig({}, "/srv/bidhall");
    expect(config).toMatchObject({
      mode: "embedded",
      host: "127.0.0.1",
      port: 3000,
      dataDir: "/srv/bidhall/.data",
      ledgerNodePort: 0,
      testHooks: false,
    });
  });

  it("refuses production without its settings and names every missing one", () => {
    expect(() => loadConfig({ BIDHALL_MODE: "production" })).toThrow(ConfigError);
    expect(() => loadConfig({ BIDHALL_MODE: "production" })).toThrow(new RegExp(PRODUCTION_REQUIRED.join(", ")));
    const { SMTP_URL: _omitted, ...almost } = fullProduction;
    expect(() => loadConfig({ BIDHALL_MODE: "production", ...almost })).toThrow(/missing: SMTP_URL$/);
  });

  it("starts production with every setting, and never with test hooks or a moved clock", () => {
    expect(loadConfig({ BIDHALL_MODE: "production", ...fullProduction }).mode).toBe("production");
    expect(() => loadConfig({ BIDHALL_MODE: "production", ...fullProduction, BIDHALL_TEST_HOOKS: "1" })).toThrow(/TEST_HOOKS/);
    expect(() => loadConfig({ BIDHALL_MODE: "production", ...fullProduction, BIDHALL_CLOCK: "offset:60" })).toThrow(/BIDHALL_CLOCK/);
  });

  it("turns test hooks on only when asked, outside production", () => {
    expect(loadConfig({ BIDHALL_TEST_HOOKS: "1" }).testHooks).toBe(true);
    expect(loadConfig({ BIDHALL_TEST_HOOKS: "0" }).testHooks).toBe(false);
  });

  it("binds to loopback unless HOST says otherwise, in every mode", () => {
    expect(loadConfig({}).host).toBe("127.0.0.1");
    expect(loadConfig({ BIDHALL_MODE: "production", ...fullProduction }).host).toBe("127.0.0.1");
    expect(loadConfig({ HOST: "0.0.0.0" }).host).toBe("0.0.0.0");
    expect(loadConfig({ HOST: "::" }).host).toBe("::");
    expect(loadConfig({ HOST: " 192.168.1.20 " }).host).toBe("192.168.1.20");
    expect(loadConfig({ HOST: "bidhall-web-1.internal" }).host).toBe("bidhall-web-1.internal");
    for (const bad of ["http://0.0.0.0", "0.0.0.0:3000", "-x", "a b", "evil\u0000"])
      expect(() => loadConfig({ HOST: bad })).toThrow(/HOST/);
    expect(isLoopbackHost("127.0.0.1")).toBe(true);
    expect(isLoopbackHost("::1")).toBe(true);
    expect(isLoopbackHost("localhost")).toBe(true);
    expect(isLoopbackHost("0.0.0.0")).toBe(false);
    expect(isLoopbackHost("::")).toBe(false);
  });

  it("rejects an unknown mode and a bad port", () => {
    expect(() => loadConfig({ BIDHALL_MODE: "staging" })).toThrow(/embedded.*production/);
    expect(() => loadConfig({ PORT: "http" })).toThrow(/PORT/);
  });

  it("refuses weak production secrets, naming each setting and why, never the secret itself", () => {
    const weak = {
      SESSION_SECRET: "x".repeat(40), // long, one character
      PKI_PASSPHRASE: "short-but-random-7Gq", // 20 characters
      LEDGER_KEY_SECRET: "0123456789".repeat(4), // 3.3 bits each, but a period of 10
      ID_HASH_SECRET: "please-changeme-before-going-live-2026", // a placeholder
    };
    let message = "";
    try {
      loadConfig({ BIDHALL_MODE: "production", ...fullProduction, ...weak });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toContain("SESSION_SECRET is too weak: it repeats the same 1 character over and over");
    expect(message).toContain("PKI_PASSPHRASE is too weak: it has 20 characters; at least 32 are required");
    expect(message).toContain("LEDGER_KEY_SECRET is too weak: it repeats the same 10 characters");
    expect(message).toContain('ID_HASH_SECRET is too weak: it contains the placeholder word "changeme"');
    for (const secret of Object.values(weak)) expect(message).not.toContain(secret);
    // Low entropy without a strict period (two characters shuffled).
    const lowEntropy = "abbaabababbbaabaabbbabaabbaababbbaba";
    expect(() => loadConfig({ BIDHALL_MODE: "production", ...fullProduction, SESSION_SECRET: lowEntropy })).toThrow(
      /SESSION_SECRET is too weak: its characters carry 1\.00 bits of entropy each; at least 3 are required/,
    );
    // Embedded mode takes what it is given (development).
    expect(loadConfig({ SESSION_SECRET: "x".repeat(40) }).sessionSecret).toBe("x".repeat(40));
  });

  it("accepts the secrets the README tells operators to generate", () => {
    for (const secret of [
      randomBytes(33).toString("base64"), // openssl rand -base64 33
      randomBytes(32).toString("hex"), // openssl rand -hex 32
      randomBytes(32).toString("base64url"), // what embedded mode generates
      "tangerine velvet harbour quietly 47 orbit slate", // a long passphrase
    ])
      expect(secretWeakness(secret), secret).toBeUndefined();
    expect(bitsPerCharacter("abcd")).toBe(2);
  });

  it("refuses an http:// PUBLIC_URL in production, and a PUBLIC_URL that is no address at all", () => {
    expect(() => loadConfig({ BIDHALL_MODE: "production", ...fullProduction, PUBLIC_URL: "http://bidhall.example.cn" })).toThrow(
      'PUBLIC_URL must be an https:// address in production (people sign in and upload bids there), not "http://bidhall.example.cn"',
    );
    expect(() => loadConfig({ PUBLIC_URL: "bidhall.example.cn" })).toThrow(/PUBLIC_URL must be an absolute address/);
    expect(loadConfig({ PUBLIC_URL: "http://192.0.2.10:3000" }).publicUrl).toBe("http://192.0.2.10:3000");
  });

  it("listens on loopback in every mode unless HOST says otherwise (decision 20)", () => {
    expect(loadConfig({}).host).toBe("127.0.0.1");
    expect(loadConfig({ BIDHALL_MODE: "production", ...fullProduction }).host).toBe("127.0.0.1");
    expect(loadConfig({ BIDHALL_MODE: "production", ...fullProduction, HOST: "0.0.0.0" }).host).toBe("0.0.0.0");
    expect(loadConfig({ HOST: "0.0.0.0" }).host).toBe("0.0.0.0");
    expect(() => loadConfig({ HOST: "http://my laptop" })).toThrow(/HOST must be an IP address/);
  });

  it("trusts X-Forwarded-For from loopback in embedded mode, from nobody in production, or from TRUSTED_PROXIES", () => {
    expect(loadConfig({}).trustedProxies).toEqual(["loopback"]);
    expect(loadConfig({ BIDHALL_MODE: "production", ...fullProduction }).trustedProxies).toEqual([]);
    expect(
      loadConfig({ BIDHALL_MODE: "production", ...fullProduction, TRUSTED_PROXIES: "10.0.0.0/8, 192.0.2.7,fd00::/8" }).trustedProxies,
    ).toEqual(["10.0.0.0/8", "192.0.2.7", "fd00::/8"]);
    expect(loadConfig({ TRUSTED_PROXIES: "none" }).trustedProxies).toEqual([]);
    expect(() => loadConfig({ TRUSTED_PROXIES: "10.0.0.0/33" })).toThrow(/TRUSTED_PROXIES.*"10\.0\.0\.0\/33" is neither/);
    expect(parseTrustedProxies("lb.internal")).toEqual({ bad: "lb.internal" });
    expect(parseTrustedProxies("Loopback,::1")).toEqual({ entries: ["loopback", "::1"] });
  });
});

describe("object storage settings (decision 52)", () => {
  it("reads STORAGE_URL, the endpoint, region and path style, and refuses malformed ones naming each", () => {
    const c = loadConfig({
      STORAGE_URL: "s3://bidhall-files/centre-a",
      STORAGE_ENDPOINT: "http://127.0.0.1:9000",
      AWS_REGION: "cn-north-1",
    });
    expect([c.storageUrl, c.storageEndpoint, c.storageRegion, c.storageForcePathStyle]).toEqual([
      "s3://bidhall-files/centre-a",
      "http://127.0.0.1:9000",
      "cn-north-1",
      true,
    ]);
    expect(loadConfig({ STORAGE_URL: "s3://b-1", STORAGE_REGION: "oss-cn-hangzhou", AWS_REGION: "x" }).storageRegion).toBe(
      "oss-cn-hangzhou",
    );
    expect(loadConfig({ STORAGE_URL: "s3://b-1" }).storageForcePathStyle).toBe(false);
    expect(
      loadConfig({ STORAGE_URL: "s3://b-1", STORAGE_ENDPOINT: "https://cos.example.cn", STORAGE_FORCE_PATH_STYLE: "false" })
        .storageForcePathStyle,
    ).toBe(false);
    expect(() => loadConfig({ STORAGE_URL: "s3://b-1", STORAGE_ENDPOINT: "minio:9000" })).toThrow(/STORAGE_ENDPOINT must be an http/);
    expect(() => loadConfig({ STORAGE_URL: "s3://b-1", STORAGE_FORCE_PATH_STYLE: "yes" })).toThrow(
      /STORAGE_FORCE_PATH_STYLE must be true or false/,
    );
    expect(() => loadConfig({ STORAGE_URL: "s3://b-1/../x" })).toThrow(/must not contain "\." or "\.\." segments/);
    expect(loadConfig({ BIDHALL_UPLOADS_DIR: "/srv/shared/uploads" }).uploadsDir).toBe("/srv/shared/uploads");
  });
});
