import { describe, expect, it } from "vitest";
import { ConfigError, isLoopbackHost, loadConfig, PRODUCTION_REQUIRED } from "./config.server.ts";

const fullProduction = Object.fromEntries(PRODUCTION_REQUIRED.map((k) => [k, k === "SESSION_SECRET" ? "x".repeat(40) : `value-of-${k}`]));

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
});
