import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { keccak256, toUtf8Bytes } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobHandlers } from "#app/jobs/handlers.ts";
import { createJobRunner } from "#app/jobs/runner.ts";
import { bindingRef, enqueueGuaranteeIssue, readGuaranteeOnChain, retryGuaranteeIssue } from "#app/server/ledger/guarantees.server.ts";
import { reconcileLedger } from "#app/server/ledger/indexer.server.ts";
import { organisationHolder } from "#app/server/ledger/keys.server.ts";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { submitBid } from "#app/services/bidding/submit-bid.server.ts";
import { lodgeClaim } from "#app/services/guarantee/lodge-claim.server.ts";
import { recordContractSigning } from "#app/services/guarantee/record-contract-signing.server.ts";
import { settleClaim } from "#app/services/guarantee/settle-claim.server.ts";
import { decryptBid } from "#app/services/opening/decrypt-bid.server.ts";
import { findOpeningOfSection } from "#app/services/opening/find-opening-of-section.server.ts";
import { openDecryptionWindow } from "#app/services/opening/open-decryption-window.server.ts";
import { publishBidderList } from "#app/services/opening/publish-bidder-list.server.ts";
import { readOpening } from "#app/services/opening/read-opening.server.ts";
import { recordOpeningTimedFacts } from "#app/services/opening/record-timed-facts.server.ts";
import { createProject } from "#app/services/tendering/create-project.server.ts";
import { publishProject } from "#app/services/tendering/publish-project.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { uploadTenderDocument } from "#app/services/tendering/upload-tender-document.server.ts";
import { storageFor } from "#app/server/storage.server.ts";
import { createGuaranteeRow, signedLetter } from "#test/factories/guarantees.ts";
import { sectionTerms, tinyPdf } from "#test/factories/tendering.ts";
import { enrol, organisationWithMember, sealBid, type Enrolment, type Member } from "../bidding/helpers/bids.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";
import { startTestLedger, type TestLedger } from "../ledger/helpers/ledger-fixture.ts";
import { advanceTo, contentKey, expectCode, minutes, signIn } from "../opening/helpers.ts";

const DAY = 86_400_000;

/**
 * Electronic bid guarantees on a real Hardhat node (issue 14, decisions 0059 and 0060): issued
 * through the outbox with nothing on chain that links them to the bidder or the section before the
 * deadline; a reverted issue leaves `issue_failed` with the contract's reason and is retried;
 * verified and bound at the opening, each failure with its reason; then claimed and paid, or
 * released when the contract is signed; and reconciliation finds a state the chain does not share.
 */
describe("guarantees on the ledger, from issue to claim and release (PostgreSQL)", () => {
  let app: TestApp;
  let tl: TestLedger;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-guarantee-ledger-"));
  let agency: Member, tenderer: Member, guarantor: Member;
  let good: Member, low: Member, borrower: Member;
  let certs: Map<Member, Enrolment>;
  let sectionId: string, sectionName: string, deadline: Date, openingId: string;
  const guarantees = new Map<Member, Awaited<ReturnType<typeof createGuaranteeRow>>>();
  const run = () => createJobRunner(app, { handlers: jobHandlers }).drain();
  const uscc = (m: Member) => m.actor.membership.organisationUscc;
  const issueTxs: string[] = [];
  let lowLetterKey: string;

  beforeAll(async () => {
    app = await createTestApp();
    await ensurePlatformPki(app);
    tl = await startTestLedger(app);
    agency = await organisationWithMember(app, { name: "福州建工招标代理", kinds: ["agency"], roles: ["admin", "operate"] });
    tenderer = await organisationWithMember(app, { name: "福州城投集团", kinds: ["tenderer"], roles: ["admin", "operate"] });
    guarantor = await organisationWithMember(app, {
      name: "福建海峡融资担保有限公司",
      kinds: ["guarantor"],
      roles: ["admin", "operate", "sign"],
    });
    [good, low, borrower] = (await Promise.all(
      ["闽江路桥建设有限公司", "榕城市政工程有限公司", "借函建设有限公司"].map((name) =>
        organisationWithMember(app, { name, kinds: ["bidder"], roles: ["admin", "bid"] }),
      ),
    )) as [Member, Member, Member];
    const list = [good, low, borrower, guarantor];
    certs = new Map((await Promise.all(list.map((m) => enrol(app, m)))).map((cert, i) => [list[i]!, cert]));

    sectionName = "闽江大道一标段";
    const terms = sectionTerms({
      name: sectionName,
      from: app.clock.now(),
      deadlineDays: 25,
      evaluationMethod: "comprehensiveEvaluation",
      saleDays: 8,
    });
    const { projectId, sectionIds } = await createProject(app, {
      actor: agency.actor,
      project: {
        code: "E3501002026001401",
        name: "闽江大道道路改造工程",
        regionCode: "350100",
        procurementType: "engineering",
        mandatoryTendering: true,
        description: "",
        tendererOrganisationId: tenderer.organisationId,
      },
      sections: [terms],
      meta: TEST_META,
    });
    sectionId = sectionIds[0]!;
    await uploadTenderDocument(app, {
      actor: agency.actor,
      projectId,
      title: "招标文件",
      filename: "t.pdf",
      bytes: tinyPdf(),
      meta: TEST_META,
    });
    await publishProject(app, { actor: agency.actor, projectId, announcement: { title: "招标公告", body: "欢迎投标" }, meta: TEST_META });
    for (const m of [good, low, borrower]) await registerForSection(app, { actor: m.actor, sectionId, meta: TEST_META });
    const section = await app.db.selectFrom("sections").selectAll().where("id", "=", sectionId).executeTakeFirstOrThrow();
    deadline = section.deadline_at;
    openingId = (await findOpeningOfSection(app, sectionId)).openingId;

    const cert = certs.get(guarantor)!;
    const letter = () =>
      signedLetter(app, {
        keyPem: cert.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        certPem: cert.certificatePem,
        text: `Bid guarantee ${Math.random()}`,
        signerName: "福建海峡融资担保有限公司",
      });
    const now = app.clock.now();
    const make = async (m: Member, amountFen: bigint, document: { key: string; sha256: string }) =>
      createGuaranteeRow(app.db, {
        guarantorOrganisationId: guarantor.organisationId,
        guarantorPersonId: guarantor.personId,
        applicantOrganisationId: m.organisationId,
        applicantPersonId: m.personId,
        sectionId,
        beneficiaryOrganisationId: tenderer.organisationId,
        amountFen,
        validFrom: new Date(now.getTime() - 60_000),
        validUntil: new Date(deadline.getTime() + 120 * DAY),
        document,
        now,
      });
    guarantees.set(good, await make(good, BigInt(section.bid_security_fen), await letter()));
    // One fen short, and a letter whose bytes differ from what the ledger records.
    const lowLetter = await letter();
    guarantees.set(low, await make(low, BigInt(section.bid_security_fen) - 1n, lowLetter));
    lowLetterKey = lowLetter.key;
  }, 240_000);

  afterAll(async () => {
    await tl?.stop();
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("issues each guarantee from the guarantor's account to a beneficiary account kept for this guarantee", async () => {
    await app.db.transaction().execute(async (trx) => {
      for (const g of guarantees.values()) await enqueueGuaranteeIssue(trx, g, app.clock.now());
    });
    await run();
    const guarantorAccount = await tl.ledger.deps.accounts.addressOf(organisationHolder(guarantor.organisationId));
    const tendererAccount = await tl.ledger.deps.accounts.addressOf(organisationHolder(tenderer.organisationId));
    const accounts = new Set<string>();
    for (const g of guarantees.values()) {
      const row = await app.db.selectFrom("guarantees").selectAll().where("id", "=", g.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: "issued", issue_error: null });
      expect(row.issued_at).not.toBeNull();
      const onChain = (await readGuaranteeOnChain(tl.ledger, g.ledger_id))!;
      expect(onChain).toMatchObject({ state: "Issued", guarantor: guarantorAccount, guarantorHasRole: true, boundTo: null });
      expect(onChain.beneficiaryAccount).not.toBe(tendererAccount);
      accounts.add(onChain.beneficiaryAccount);
      const send = await app.db
        .selectFrom("ledger_sends")
        .select(["tx_hash"])
        .where("outbox_key", "like", `guarantee:${g.id}:issue:%`)
        .executeTakeFirstOrThrow();
      issueTxs.push(send.tx_hash);
    }
    // Counting guarantees per beneficiary account says nothing about a tenderer (decision 0059).
    expect(accounts.size).toBe(guarantees.size);
    const application = await app.db
      .selectFrom("guarantee_applications")
      .select(["status"])
      .where("id", "=", guarantees.get(good)!.application_id)
      .executeTakeFirstOrThrow();
    expect(application.status).toBe("issued");
  });

  it("writes nothing on chain that names or hashes the bidder, the tenderer or the section: every log, calldata and storage slot", async () => {
    const values = [
      sectionId,
      sectionName,
      good.organisationId,
      low.organisationId,
      tenderer.organisationId,
      uscc(good),
      uscc(low),
      tenderer.actor.membership.organisationUscc,
      good.actor.membership.organisationName,
      low.actor.membership.organisationName,
      tenderer.actor.membership.organisationName,
    ];
    const forms = values.flatMap((v) => [
      Buffer.from(v, "utf8").toString("hex"),
      v.replaceAll("-", "").toLowerCase(),
      createHash("sha256").update(v).digest("hex"),
      keccak256(toUtf8Bytes(v)).slice(2),
    ]);
    const provider = tl.ledger.provider;
    const seen: string[] = [];
    for (const hash of issueTxs) {
      const tx = (await provider.getTransaction(hash))!;
      seen.push(tx.data);
      const receipt = (await provider.getTransactionReceipt(hash))!;
      for (const log of receipt.logs) seen.push(log.data, ...log.topics);
      // Every storage slot the transaction wrote, as the node traced it.
      const trace = (await provider.send("debug_traceTransaction", [hash, {}])) as {
        structLogs: { op: string; stack?: string[]; storage?: Record<string, string> }[];
      };
      let stores = 0;
      for (const step of trace.structLogs) {
        if (step.op === "SSTORE") stores++;
        for (const [slot, value] of Object.entries(step.storage ?? {})) seen.push(slot, value);
      }
      expect(stores).toBeGreaterThan(5);
    }
    const all = seen.join(" ").toLowerCase();
    expect(all.length).toBeGreaterThan(1000);
    for (const form of forms) expect(all).not.toContain(form.toLowerCase());
  });

  it("leaves a reverted issue in issue_failed with the contract's reason, nothing half-saved, and issues it on retry", async () => {
    const now = app.clock.now();
    const g = await createGuaranteeRow(app.db, {
      guarantorOrganisationId: guarantor.organisationId,
      guarantorPersonId: guarantor.personId,
      applicantOrganisationId: borrower.organisationId,
      applicantPersonId: borrower.personId,
      sectionId,
      beneficiaryOrganisationId: tenderer.organisationId,
      amountFen: 100n,
      validFrom: new Date(now.getTime() - 3 * DAY),
      validUntil: new Date(now.getTime() - DAY), // already over: GuaranteeLedgerInvalidValidity
      now,
    });
    await app.db.transaction().execute((trx) => enqueueGuaranteeIssue(trx, g, now));
    await run();
    const failed = await app.db.selectFrom("guarantees").selectAll().where("id", "=", g.id).executeTakeFirstOrThrow();
    expect(failed.status).toBe("issue_failed");
    expect(failed.issue_error).toContain("GuaranteeLedgerInvalidValidity");
    expect(failed.issued_at).toBeNull();
    expect(await readGuaranteeOnChain(tl.ledger, g.ledger_id)).toBeNull();
    const application = await app.db
      .selectFrom("guarantee_applications")
      .selectAll()
      .where("id", "=", g.application_id)
      .executeTakeFirstOrThrow();
    expect(application).toMatchObject({ status: "issue_failed" });
    expect(application.issue_error).toContain("GuaranteeLedgerInvalidValidity");
    const job = await app.db
      .selectFrom("outbox")
      .select(["status"])
      .where("key", "=", `guarantee:${g.id}:issue:1`)
      .executeTakeFirstOrThrow();
    expect(job.status).toBe("done"); // an outcome, not a job to hammer

    // The guarantor corrects the validity and retries: a new key, issued this time.
    const fixed = await app.db
      .updateTable("guarantees")
      .set({ valid_until: new Date(now.getTime() + 30 * DAY) })
      .where("id", "=", g.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const key = await app.db.transaction().execute((trx) => retryGuaranteeIssue(trx, fixed, app.clock.now()));
    expect(key).toBe(`guarantee:${g.id}:issue:2`);
    await run();
    expect(
      await app.db.selectFrom("guarantees").select(["status", "issue_error"]).where("id", "=", g.id).executeTakeFirstOrThrow(),
    ).toEqual({
      status: "issued",
      issue_error: null,
    });
    expect((await readGuaranteeOnChain(tl.ledger, g.ledger_id))!.state).toBe("Issued");
  });

  it("verifies each guarantee at the opening with its own reasons, and binds this bidder's guarantees to their bids", async () => {
    // A forged letter: the stored file is no longer the one whose hash the ledger holds.
    const forged = await signedLetter(app, {
      keyPem: certs.get(guarantor)!.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      certPem: certs.get(guarantor)!.certificatePem,
      text: "Bid guarantee, amount changed",
      signerName: "福建海峡融资担保有限公司",
    });
    await storageFor(app).put(lowLetterKey, forged.bytes);
    const offer = (m: Member) => ({ kind: "guarantee" as const, reference: guarantees.get(m === borrower ? good : m)!.id });
    for (const m of [good, low, borrower]) {
      const cert = certs.get(m)!;
      const s = await sealBid({
        dir,
        name: m.organisationId,
        sectionId,
        bidder: { uscc: uscc(m), name: m.actor.membership.organisationName },
        fields: {
          price: "1000000000",
          durationDays: 365,
          quality: "合格",
          projectManager: { name: "王建国", idNumber: "11010519491231002X" },
        },
        security: offer(m),
        signer: cert,
        recipients: [cert.certificatePem],
        sealedAt: app.clock.now(),
      });
      const submission = { actor: m.actor, sectionId, envelopePath: s.envelopePath, packageDigest: s.packageDigest, meta: TEST_META };
      if (m === borrower) {
        // Declared beside the envelope, another's guarantee is refused at once (decision 0072); an
        // older tool that declares nothing there leaves it to the opening, which bid.json binds.
        await expectCode(submitBid(app, { ...submission, security: offer(m) }), "GUARANTEE_DECLARATION_INVALID");
        await submitBid(app, submission);
      } else await submitBid(app, { ...submission, security: offer(m) });
    }
    await advanceTo(app, minutes(deadline, -20));
    for (const m of [good, low, borrower]) await signIn(app, m, certs.get(m)!, sectionId);
    await advanceTo(app, minutes(deadline, 1));
    await recordOpeningTimedFacts(app, app.clock.now());
    await publishBidderList(app, { actor: agency.actor, openingId, meta: TEST_META });
    await openDecryptionWindow(app, { actor: agency.actor, openingId, meta: TEST_META });
    for (const m of [good, low, borrower])
      expect(
        await decryptBid(app, {
          actor: m.actor,
          openingId,
          contentKey: await contentKey(app, m, certs.get(m)!, openingId),
          meta: TEST_META,
        }),
      ).toMatchObject({ decrypted: true });

    const rows = await app.db
      .selectFrom("opening_bids")
      .select(["organisation_id", "bid_version_id", "security_verification"])
      .where("opening_id", "=", openingId)
      .execute();
    const v = (m: Member) =>
      rows.find((r) => r.organisation_id === m.organisationId)!.security_verification as {
        outcome: string;
        failures: { code: string }[];
        commitments: { salt: string } | null;
      };
    expect(v(good)).toMatchObject({ outcome: "verified", failures: [] });
    expect(v(good).commitments!.salt).toBe(guarantees.get(good)!.salt);
    expect(v(low).outcome).toBe("failed");
    expect(v(low).failures.map((f) => f.code)).toEqual(["GUARANTEE_AMOUNT_TOO_LOW", "GUARANTEE_DOCUMENT_MISMATCH"]);
    expect(v(borrower).failures.map((f) => f.code)).toContain("GUARANTEE_NOT_FOR_THIS_BID");
    expect(v(borrower).failures.map((f) => f.code)).toContain("GUARANTEE_DECLARATION_INVALID");

    await run();
    for (const m of [good, low]) {
      const g = guarantees.get(m)!;
      const bidVersionId = rows.find((r) => r.organisation_id === m.organisationId)!.bid_version_id;
      const onChain = (await readGuaranteeOnChain(tl.ledger, g.ledger_id))!;
      expect(onChain.state).toBe("Bound");
      expect(onChain.boundTo).toBe(bindingRef(g.salt, bidVersionId));
      expect(
        await app.db.selectFrom("guarantees").select(["status", "bound_bid_version_id"]).where("id", "=", g.id).executeTakeFirstOrThrow(),
      ).toEqual({
        status: "bound",
        bound_bid_version_id: bidVersionId,
      });
    }
    // In the hall: the host sees each bidder's verification; the bidder its own, with the salt revealed; the public nothing.
    const host = await readOpening(app, agency.actor, openingId);
    expect(host.bidders!.find((b) => b.uscc === uscc(good))!.security).toMatchObject({ outcome: "verified", zh: "已核验" });
    expect(host.bidders!.find((b) => b.uscc === uscc(low))!.security!.zh).toMatch(/^核验未通过：保函金额/);
    const own = await readOpening(app, good.actor, openingId);
    expect(own.ownBid!.security!.commitments!.salt).toBe(guarantees.get(good)!.salt);
    expect(JSON.stringify(await readOpening(app, null, openingId))).not.toContain(guarantees.get(good)!.salt);
    const audit = await app.db.selectFrom("audit_log").select(["data"]).where("type", "=", "opening.security_verified").execute();
    expect(audit).toHaveLength(3);
  });

  it("lets the tenderer claim on a bound guarantee and the guarantor pay it; refuses others", async () => {
    const g = guarantees.get(good)!;
    await expectCode(
      lodgeClaim(app, { actor: good.actor, guaranteeId: g.id, ground: "refusedContract", statement: "拒签合同", meta: TEST_META }),
      "FORBIDDEN",
    );
    await expectCode(
      lodgeClaim(app, { actor: tenderer.actor, guaranteeId: g.id, ground: "withdrawnAfterDeadline", statement: "撤销", meta: TEST_META }),
      "GUARANTEE_CLAIM_REFUSED",
    );
    const { claimId } = await lodgeClaim(app, {
      actor: tenderer.actor,
      guaranteeId: g.id,
      ground: "refusedContract",
      statement: "中标人收到中标通知书后拒绝签订合同。",
      meta: TEST_META,
    });
    await run();
    const lodged = await app.db.selectFrom("guarantee_claims").selectAll().where("id", "=", claimId).executeTakeFirstOrThrow();
    expect(lodged).toMatchObject({ status: "pending", claim_index: 0 });
    expect((await tl.ledger.contracts.GuaranteeLedger.claim(g.ledger_id, 0)).reasonHash).toBe(`0x${lodged.reason_sha256}`);
    await expectCode(settleClaim(app, { actor: tenderer.actor, claimId, decision: "pay", meta: TEST_META }), "FORBIDDEN");
    await settleClaim(app, { actor: guarantor.actor, claimId, decision: "pay", meta: TEST_META });
    await expectCode(
      settleClaim(app, { actor: guarantor.actor, claimId, decision: "pay", meta: TEST_META }),
      "GUARANTEE_UNEXPECTED_STATUS",
    );
    await run();
    expect((await app.db.selectFrom("guarantee_claims").select("status").where("id", "=", claimId).executeTakeFirstOrThrow()).status).toBe(
      "paid",
    );
    expect((await app.db.selectFrom("guarantees").select("status").where("id", "=", g.id).executeTakeFirstOrThrow()).status).toBe("paid");
    expect((await readGuaranteeOnChain(tl.ledger, g.ledger_id))!.state).toBe("Paid");
  });

  it("releases every remaining bid guarantee of the section when the tenderer records the contract's signing", async () => {
    await expectCode(
      recordContractSigning(app, { actor: tenderer.actor, sectionId, signedAt: new Date(deadline.getTime() - 1000), meta: TEST_META }),
      "CONTRACT_SIGNING_DATE_INVALID",
    );
    await expectCode(
      recordContractSigning(app, { actor: agency.actor, sectionId, signedAt: app.clock.now(), meta: TEST_META }),
      "FORBIDDEN",
    );
    const { released } = await recordContractSigning(app, { actor: tenderer.actor, sectionId, signedAt: app.clock.now(), meta: TEST_META });
    const low$ = guarantees.get(low)!;
    expect(released).toContain(low$.id);
    expect(released).not.toContain(guarantees.get(good)!.id); // paid
    await run();
    expect((await app.db.selectFrom("guarantees").select("status").where("id", "=", low$.id).executeTakeFirstOrThrow()).status).toBe(
      "released",
    );
    expect((await readGuaranteeOnChain(tl.ledger, low$.ledger_id))!.state).toBe("Released");
    // Each step is in the explorer's history of the guarantee.
    const history = await app.db
      .selectFrom("ledger_events")
      .select("event")
      .where("subject", "=", low$.ledger_id)
      .orderBy("block_number")
      .execute();
    expect(history.map((h) => h.event)).toEqual(["GuaranteeIssued", "GuaranteeBound", "GuaranteeReleased"]);
  });

  it("reconciliation reports a guarantee whose state here is not the chain's, and clears it when they agree again", async () => {
    const g = guarantees.get(low)!;
    await app.db.updateTable("guarantees").set({ status: "bound" }).where("id", "=", g.id).execute();
    const drift = await reconcileLedger(app, tl.ledger);
    expect(drift).toContainEqual(expect.objectContaining({ kind: "guarantee-state", subject: g.ledger_id }));
    expect(drift.find((d) => d.kind === "guarantee-state")!.detail).toContain("bound here, Released on chain");
    await app.db.updateTable("guarantees").set({ status: "released" }).where("id", "=", g.id).execute();
    expect((await reconcileLedger(app, tl.ledger)).filter((d) => d.kind === "guarantee-state")).toEqual([]);
    const open = await app.db
      .selectFrom("ledger_drift")
      .select("kind")
      .where("resolved_at", "is", null)
      .where("kind", "=", "guarantee-state")
      .execute();
    expect(open).toEqual([]);
  });
});
