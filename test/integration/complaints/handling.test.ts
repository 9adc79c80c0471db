import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobHandlers } from "#app/jobs/handlers.ts";
import { createJobRunner } from "#app/jobs/runner.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";
import { startTestLedger, type TestLedger } from "../ledger/helpers/ledger-fixture.ts";
import { runHandlingScenario } from "./handling-scenario.ts";

/**
 * The regulator's handling of complaints (issue 15, decision 0063) on real PostgreSQL with a real
 * Hardhat node: every step and refusal, then the outbox delivered and ComplaintLedger holding the
 * same history, step by step, from the lead regulator's account.
 */
describe("complaint handling on PostgreSQL and the ledger", () => {
  let app: TestApp;
  let tl: TestLedger;
  beforeAll(async () => {
    app = await createTestApp();
    tl = await startTestLedger(app);
  }, 120_000);
  afterAll(async () => {
    await tl?.stop();
    await app?.close();
  });

  it("accepts, suspends, resumes, asks for documents, decides; refuses each step out of turn; the chain agrees", async () => {
    const r = await runHandlingScenario(app);
    const runner = createJobRunner(app, { handlers: jobHandlers });
    await runner.drain();
    const failed = await app.db
      .selectFrom("outbox")
      .select(["key", "status", "last_error"])
      .where("kind", "=", "ledger.send")
      .where("status", "!=", "done")
      .execute();
    expect(failed).toEqual([]);

    const { ComplaintLedger } = tl.ledger.contracts;
    expect(await ComplaintLedger.state(r.complaint.ledgerId)).toBe(4n); // Decided
    const onChain = await ComplaintLedger.complaint(r.complaint.ledgerId);
    expect(onChain.decisionHash).toBe(`0x${r.sha256}`);
    expect(onChain.outcome).toBe(2n); // PartlyUpheld
    expect(onChain.regulator).toBe(await tl.ledger.deps.accounts.addressOf(`organisation:${r.lead.organisationId}`));
    expect(await ComplaintLedger.state(r.withdrawn.ledgerId)).toBe(5n); // Withdrawn
    expect(await ComplaintLedger.state(r.rejected.ledgerId)).toBe(2n); // Rejected

    const history = await app.db
      .selectFrom("ledger_events")
      .select("event")
      .where("subject", "=", r.complaint.ledgerId)
      .orderBy("block_number")
      .orderBy("log_index")
      .execute();
    expect(history.map((h) => h.event)).toEqual([
      "ComplaintFiled",
      "ComplaintAccepted",
      "SectionSuspended",
      "SectionResumed",
      "SectionSuspended",
      "SectionResumed",
      "ComplaintDecided",
    ]);
  }, 180_000);
});
