import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasPlatformPurpose } from "#app/server/pki/platform-pki.server.ts";
import { renderSampleRecord } from "#app/server/pdf/render/sample-record.server.ts";
import { signPdf } from "#app/server/pdf/sign/sign-pdf.server.ts";
import { platformSigner } from "#app/server/pdf/sign/signer.server.ts";
import { createIssuingCa, createRootCa, issuePlatformSigningCertificate } from "#app/server/pki/ca.server.ts";
import { startServer, type RunningServer } from "./helpers/server.ts";

/**
 * Decision 27 over HTTP: the platform publishes the certificate relying parties pin, and its own
 * verification (POST /api/documents/verify, public) refuses a record signed by another platform's
 * certificate even though that one carries the platform purpose too.
 */
describe("the platform's published certificates and its verification endpoint", () => {
  let server: RunningServer;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-verify-e2e-"));

  beforeAll(async () => {
    server = await startServer();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("serves the platform signing certificate with the platform's purpose at /pki/platform.pem", async () => {
    const res = await fetch(`${server.url}/pki/platform.pem`);
    expect(res.status).toBe(200);
    const pem = await res.text();
    expect(hasPlatformPurpose(pem)).toBe(true);
    expect(new X509Certificate(pem).subject).toContain("CN=bidhall 平台签名 Platform Signing");
  });

  it("refuses a record another platform signed, and what is not a signed document (422)", async () => {
    const now = new Date();
    const root = await createRootCa({ commonName: "Elsewhere Root", organization: "别的平台", now, years: 1 });
    const issuing = await createIssuingCa(root, { commonName: "Elsewhere Issuing", organization: "别的平台", now, years: 1 });
    const platform = await issuePlatformSigningCertificate(issuing, {
      commonName: "别的平台签名",
      organization: "别的平台",
      now,
      validityDays: 30,
    });
    const pdf = await signPdf(
      await renderSampleRecord(),
      platformSigner(platform.privateKeyPem, [platform.certificatePem, issuing.certificatePem]),
      {
        fieldName: "platform",
        reason: "开标记录",
        location: "福州",
        signerName: "福州市公共资源交易中心",
        signingTime: now,
      },
    );
    const res = await fetch(`${server.url}/api/documents/verify`, { method: "POST", body: Buffer.from(pdf) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { kind: string; valid: boolean; problems: string[]; signers: { description: string }[] };
    expect(body).toMatchObject({ kind: "pdf", valid: false });
    expect(body.problems.join("\n")).toContain("carries the platform's purpose but is not one of the platform's certificates");
    expect(body.signers[0]!.description).toBe("person (unverified: no trusted root or pin vouches for it): CN=别的平台签名, O=别的平台");

    const junk = await fetch(`${server.url}/api/documents/verify`, { method: "POST", body: "hello", headers: { "Accept-Language": "en" } });
    expect(junk.status).toBe(422);
    expect(((await junk.json()) as { error: { code: string } }).error.code).toBe("DOCUMENT_NOT_SIGNED");
  });
});
