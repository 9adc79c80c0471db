import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobHandlers } from "#app/jobs/handlers.ts";
import { createJobRunner } from "#app/jobs/runner.ts";
import { deliverLedgerWrite, enqueueLedgerWrite } from "#app/server/ledger/writes.server.ts";
import { getActor } from "#app/server/session.server.ts";
import { logIn } from "#app/services/auth/log-in.server.ts";
import { browseLedger } from "#app/services/ledger/browse-ledger.server.ts";
import { addMember, createPerson } from "#test/factories/organisations.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";
import { bytes32, fileComplaint, issueGuarantee, ledgerParties, startTestLedger, type TestLedger } from "./helpers/ledger-fixture.ts";

describe("ledger writes through the outbox", () => {
  let app: TestApp;
  let tl: TestLedger;
  let parties: Awaited<ReturnType<typeof ledgerParties>>;
  beforeAll(async () => {
    app = await createTestApp();
    parties = await ledgerParties(app);
    tl = await startTestLedger(app);
  });
  afterAll(async () => {
    await tl?.stop();
    await app?.close();
  });

  const queue = (key: string, write: Parameters<typeof enqueueLedgerWrite>[2]) =>
    app.db.transaction().execute((trx) => enqueueLedgerWrite(trx, key, write, app.clock.now()));

  it("issues and binds a guarantee, files and accepts a complaint, each signed by the acting organisation", async () => {
    const guaranteeId = bytes32();
    const complaintId = bytes32();
    const bidRef = bytes32();
    await queue(`guarantee:${guaranteeId}:issue`, issueGuarantee(guaranteeId, parties, app.clock.now()));
    await queue(`guarantee:${guaranteeId}:bind`, {
      contract: "GuaranteeLedger",
      method: "bind",
      args: [guaranteeId, bidRef],
      actor: "platform",
    });
    await queue(`complaint:${complaintId}:file`, fileComplaint(complaintId, parties));
    await queue(`complaint:${complaintId}:accept`, {
      contract: "ComplaintLedger",
      method: "accept",
      args: [complaintId, bytes32()],
      actor: { organisationId: parties.regulator.id },
    });

    const runner = createJobRunner(app, { handlers: jobHandlers });
    expect(await runner.drain()).toBe(4);
    const jobs = await app.db.selectFrom("outbox").select(["key", "status", "last_error"]).where("kind", "=", "ledger.send").execute();
    expect(jobs.every((j) => j.status === "done")).toBe(true);

    const { GuaranteeLedger, ComplaintLedger } = tl.ledger.contracts;
    const guarantor = await tl.ledger.deps.accounts.addressOf(`organisation:${parties.guarantor.id}`);
    const tenderer = await tl.ledger.deps.accounts.addressOf(`organisation:${parties.tenderer.id}`);
    const g = await GuaranteeLedger.guarantee(guaranteeId);
    expect(g.guarantor).toBe(guarantor);
    expect(g.terms.beneficiaryAccount).toBe(tenderer);
    expect(g.terms.amount).toBe(500000n);
    expect(g.boundTo).toBe(bidRef);
    expect(await GuaranteeLedger.state(guaranteeId)).toBe(1n); // Bound
    // Block time follows the platform clock.
    expect(Number(g.issuedAt) * 1000).toBe(app.clock.now().getTime());
    expect(await ComplaintLedger.state(complaintId)).toBe(1n); // Accepted

    // The indexer has the histories in Postgres.
    const history = await app.db
      .selectFrom("ledger_events")
      .select(["event", "subject"])
      .where("subject", "in", [guaranteeId, complaintId])
      .orderBy("block_number")
      .orderBy("log_index")
      .execute();
    expect(history.map((h) => h.event)).toEqual(["GuaranteeIssued", "GuaranteeBound", "ComplaintFiled", "ComplaintAccepted"]);
  });

  it("shows the explorer to a regulator (recent transactions, histories) and refuses a bidder", async () => {
    const actorIn = async (organisationId: string, email: string) => {
      const person = await createPerson(app.db, { name: "李四", email, password: "correct horse battery" });
      await addMember(app.db, { organisationId, personId: person.id, roles: ["operate"] });
      const { setCookie } = await logIn(app, { email, password: "correct horse battery", meta: { ip: "198.51.100.9", userAgent: "t" } });
      return (await getActor(app, new Request("http://x/", { headers: { cookie: setCookie.split(";")[0]! } })))!;
    };
    const regulator = await actorIn(parties.regulator.id, "regulator@example.cn");
    const issued = await app.db
      .selectFrom("ledger_events")
      .select(["subject"])
      .where("event", "=", "GuaranteeIssued")
      .executeTakeFirstOrThrow();
    const view = await browseLedger(app, regulator, { guarantee: issued.subject });
    expect(view.deployment.map((d) => d.contract)).toEqual(["ComplaintLedger", "DocumentAnchor", "GuaranteeLedger"]);
    expect(view.recent.GuaranteeLedger.map((r) => r.method)).toEqual(expect.arrayContaining(["deploy", "issue", "bind"]));
    expect(view.recent.GuaranteeLedger.find((r) => r.method === "issue")?.signedBy).toBe(parties.guarantor.name);
    expect(view.guarantee?.map((e) => e.event)).toEqual(["GuaranteeIssued", "GuaranteeBound"]);
    expect(view.drift).toEqual([]);

    const bidder = await actorIn(parties.bidder.id, "bidder@example.cn");
    await expect(browseLedger(app, bidder, {})).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("delivers a key once: delivering it again returns the first transaction and writes nothing", async () => {
    const id = bytes32();
    const key = `guarantee:${id}:issue`;
    const first = await deliverLedgerWrite(app, key, issueGuarantee(id, parties, app.clock.now()));
    const blocks = await tl.ledger.provider.getBlockNumber();
    const again = await deliverLedgerWrite(app, key, issueGuarantee(id, parties, app.clock.now()));
    expect(again.txHash).toBe(first.txHash);
    expect(await tl.ledger.provider.getBlockNumber()).toBe(blocks);
  });

  it("turns a revert into LEDGER_REVERTED named after the contract's custom error, without spending a nonce", async () => {
    const id = bytes32();
    await deliverLedgerWrite(app, `guarantee:${id}:issue`, issueGuarantee(id, parties, app.clock.now()));
    const account = await app.db
      .selectFrom("ledger_accounts")
      .select(["next_nonce"])
      .where("organisation_id", "=", parties.guarantor.id)
      .executeTakeFirstOrThrow();
    const error = await deliverLedgerWrite(app, `guarantee:${id}:issue-again`, issueGuarantee(id, parties, app.clock.now())).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: "LEDGER_REVERTED",
      params: { error: "GuaranteeLedgerDuplicateGuarantee", contract: "GuaranteeLedger", method: "issue" },
    });
    const after = await app.db
      .selectFrom("ledger_accounts")
      .select(["next_nonce"])
      .where("organisation_id", "=", parties.guarantor.id)
      .executeTakeFirstOrThrow();
    expect(String(after.next_nonce)).toBe(String(account.next_nonce));

    // A bidder is no guarantor: AccessControl's own error comes through too.
    const denied = await deliverLedgerWrite(app, `x:${id}`, {
      ...issueGuarantee(bytes32(), parties, app.clock.now()),
      actor: { organisationId: parties.bidder.id },
    }).catch((e: unknown) => e);
    expect(denied).toMatchObject({ code: "LEDGER_REVERTED", params: { error: "AccessControlUnauthorizedAccount" } });
  });

  it("moves block time with the platform clock, so expiry on chain follows it", async () => {
    const id = bytes32();
    await deliverLedgerWrite(app, `guarantee:${id}:issue`, issueGuarantee(id, parties, app.clock.now()));
    expect(await tl.ledger.contracts.GuaranteeLedger.state(id)).toBe(0n); // Issued
    await app.clock.advance(91 * 86400);
    const latest = await tl.ledger.provider.getBlock("latest");
    expect(latest!.timestamp * 1000).toBe(app.clock.now().getTime());
    expect(await tl.ledger.contracts.GuaranteeLedger.state(id)).toBe(5n); // Expired
  });
});
