import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobHandlers } from "#app/jobs/handlers.ts";
import { createJobRunner } from "#app/jobs/runner.ts";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { sectionRef } from "#app/services/complaints/file-complaint.server.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";
import { startTestLedger, type TestLedger } from "../ledger/helpers/ledger-fixture.ts";
import { filingSuite } from "./filing-suite.ts";

/** Objections and complaints on PostgreSQL, then the filed complaints delivered to ComplaintLedger on a real Hardhat node. */
describe("objections and complaints (PostgreSQL)", () => {
  let app: TestApp;
  let tl: TestLedger | undefined;
  beforeAll(async () => {
    app = await createTestApp();
    await ensurePlatformPki(app);
  });
  afterAll(async () => {
    await tl?.stop();
    await app?.close();
  });

  filingSuite(() => app);

  it("delivers each filing to ComplaintLedger.file: the content hash, the commitment, the first routed regulator", async () => {
    tl = await startTestLedger(app);
    const runner = createJobRunner(app, { handlers: jobHandlers });
    await runner.drain();
    const complaints = await app.db
      .selectFrom("complaints as c")
      .select(["c.id", "c.ledger_id", "c.content_sha256", "c.complainant_ref", "c.section_id"])
      .execute();
    expect(complaints.length).toBe(2);
    for (const c of complaints) {
      const job = await app.db.selectFrom("outbox").select("status").where("key", "=", `complaint.file:${c.id}`).executeTakeFirstOrThrow();
      expect(job.status).toBe("done");
      const onChain = await tl.ledger.contracts.ComplaintLedger.complaint(c.ledger_id);
      expect(onChain.contentHash).toBe(`0x${c.content_sha256}`);
      expect(onChain.complainantRef).toBe(c.complainant_ref);
      expect(onChain.sectionRef).toBe(sectionRef(c.section_id));
      const first = await app.db
        .selectFrom("complaint_regulators as r")
        .innerJoin("organisations as o", "o.id", "r.regulator_organisation_id")
        .select("o.id")
        .where("r.complaint_id", "=", c.id)
        .where("o.region_code", "=", "350100")
        .executeTakeFirstOrThrow();
      expect(onChain.regulator).toBe(await tl.ledger.deps.accounts.addressOf(`organisation:${first.id}`));
    }
  });
});
