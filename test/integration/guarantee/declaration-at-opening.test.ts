import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobHandlers } from "#app/jobs/handlers.ts";
import { createJobRunner } from "#app/jobs/runner.ts";
import { enqueueGuaranteeIssue, readGuaranteeOnChain } from "#app/server/ledger/guarantees.server.ts";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { submitBid, withdrawBid } from "#app/services/bidding/submit-bid.server.ts";
import { decryptBid } from "#app/services/opening/decrypt-bid.server.ts";
import { findOpeningOfSection } from "#app/services/opening/find-opening-of-section.server.ts";
import { openDecryptionWindow } from "#app/services/opening/open-decryption-window.server.ts";
import { publishBidderList } from "#app/services/opening/publish-bidder-list.server.ts";
import { readOpening } from "#app/services/opening/read-opening.server.ts";
import { recordOpeningTimedFacts } from "#app/services/opening/record-timed-facts.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { createGuaranteeRow, signedLetter } from "#test/factories/guarantees.ts";
import { enrol, organisationWithMember, publishedSection, sealBid, type Enrolment, type Member } from "../bidding/helpers/bids.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";
import { startTestLedger, type TestLedger } from "../ledger/helpers/ledger-fixture.ts";
import { advanceTo, contentKey, minutes, signIn } from "../opening/helpers.ts";

const DAY = 86_400_000;

/**
 * Decision 0072 on a real Hardhat node: the platform guarantee declared beside the envelope is
 * written with the bid version and compared at the opening with the one bid.json names — the same
 * guarantee verifies and is bound; another one fails GUARANTEE_DECLARATION_INVALID (mismatch), shown
 * in the hall with its reason; a guarantee bid.json borrows from another bidder fails it too
 * (notOwn). A bidder that withdrew before the deadline gets its guarantee released on the ledger,
 * but only once the deadline has passed (条例 35, decision 42).
 */
describe("the declared guarantee at the opening, and the withdrawn bidder's release (PostgreSQL + Hardhat)", () => {
  let app: TestApp;
  let tl: TestLedger;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-declaration-"));
  let agency: Member, tenderer: Member, guarantor: Member;
  let honest: Member, swapper: Member, borrower: Member, withdrawer: Member;
  let certs: Map<Member, Enrolment>;
  let sectionId: string, deadline: Date, openingId: string;
  const g = {} as Record<"honest" | "swapDeclared" | "swapInBid" | "withdrawer", Awaited<ReturnType<typeof createGuaranteeRow>>>;
  const run = () => createJobRunner(app, { handlers: jobHandlers }).drain();
  const uscc = (m: Member) => m.actor.membership.organisationUscc;

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
    [honest, swapper, borrower, withdrawer] = (await Promise.all(
      ["诚信建设有限公司", "调包路桥有限公司", "借函建设有限公司", "撤回建筑有限公司"].map((name) =>
        organisationWithMember(app, { name, kinds: ["bidder"], roles: ["admin", "bid"] }),
      ),
    )) as [Member, Member, Member, Member];
    const list = [honest, swapper, borrower, withdrawer, guarantor];
    certs = new Map((await Promise.all(list.map((m) => enrol(app, m)))).map((cert, i) => [list[i]!, cert]));
    ({ sectionId } = await publishedSection(app, {
      agency: agency.actor,
      tendererOrganisationId: tenderer.organisationId,
      code: "E3501002026140201",
    }));
    for (const m of [honest, swapper, borrower, withdrawer]) await registerForSection(app, { actor: m.actor, sectionId, meta: TEST_META });
    const section = await app.db.selectFrom("sections").selectAll().where("id", "=", sectionId).executeTakeFirstOrThrow();
    deadline = section.deadline_at;
    openingId = (await findOpeningOfSection(app, sectionId)).openingId;

    const cert = certs.get(guarantor)!;
    const now = app.clock.now();
    const make = async (m: Member) =>
      createGuaranteeRow(app.db, {
        guarantorOrganisationId: guarantor.organisationId,
        guarantorPersonId: guarantor.personId,
        applicantOrganisationId: m.organisationId,
        applicantPersonId: m.personId,
        sectionId,
        beneficiaryOrganisationId: tenderer.organisationId,
        amountFen: BigInt(section.bid_security_fen),
        validFrom: new Date(now.getTime() - 60_000),
        validUntil: new Date(deadline.getTime() + 120 * DAY),
        document: await signedLetter(app, {
          keyPem: cert.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
          certPem: cert.certificatePem,
          text: `Bid guarantee ${m.organisationId} ${Math.random()}`,
          signerName: "福建海峡融资担保有限公司",
        }),
        now,
      });
    g.honest = await make(honest);
    g.swapDeclared = await make(swapper);
    g.swapInBid = await make(swapper);
    g.withdrawer = await make(withdrawer);
    await app.db.transaction().execute(async (trx) => {
      for (const x of Object.values(g)) await enqueueGuaranteeIssue(trx, x, app.clock.now());
    });
    await run();
    for (const x of Object.values(g)) expect((await readGuaranteeOnChain(tl.ledger, x.ledger_id))!.state).toBe("Issued");
  }, 300_000);
  afterAll(async () => {
    await tl?.stop();
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const bid = async (m: Member, inBid: string, declared: string | null) => {
    const cert = certs.get(m)!;
    const s = await sealBid({
      dir,
      name: `${m.organisationId}-${Math.random()}`,
      sectionId,
      bidder: { uscc: uscc(m), name: m.actor.membership.organisationName },
      fields: {
        price: "1000000000",
        durationDays: 365,
        quality: "合格",
        projectManager: { name: "王建国", idNumber: "11010519491231002X" },
      },
      security: { kind: "guarantee", reference: inBid },
      signer: cert,
      recipients: [cert.certificatePem],
      sealedAt: app.clock.now(),
    });
    await submitBid(app, {
      actor: m.actor,
      sectionId,
      envelopePath: s.envelopePath,
      packageDigest: s.packageDigest,
      ...(declared ? { security: { kind: "guarantee" as const, reference: declared } } : {}),
      meta: TEST_META,
    });
  };

  it("writes the declared guarantee beside the envelope, and queues a withdrawn bidder's release for the deadline", async () => {
    await bid(honest, g.honest.ledger_id, g.honest.ledger_id);
    await bid(swapper, g.swapInBid.ledger_id, g.swapDeclared.ledger_id);
    await bid(borrower, g.honest.ledger_id, null); // an older tool: nothing declared beside the envelope
    await bid(withdrawer, g.withdrawer.ledger_id, g.withdrawer.id);
    const declared = await app.db
      .selectFrom("bid_versions as v")
      .innerJoin("bids as b", "b.id", "v.bid_id")
      .select(["b.organisation_id", "v.security_guarantee_id"])
      .execute();
    const of = (m: Member) => declared.find((d) => d.organisation_id === m.organisationId)!.security_guarantee_id;
    expect([of(honest), of(swapper), of(borrower), of(withdrawer)]).toEqual([g.honest.id, g.swapDeclared.id, null, g.withdrawer.id]);

    await withdrawBid(app, { actor: withdrawer.actor, sectionId, meta: TEST_META });
    await run();
    // Not before the deadline: a release on chain now would tell that somebody withdrew.
    expect((await readGuaranteeOnChain(tl.ledger, g.withdrawer.ledger_id))!.state).toBe("Issued");
    expect(
      (await app.db.selectFrom("guarantees").select("status").where("id", "=", g.withdrawer.id).executeTakeFirstOrThrow()).status,
    ).toBe("issued");
  });

  it("verifies the agreeing declaration, fails the swapped and the borrowed one with their reason, and releases the withdrawn bid's guarantee", async () => {
    await advanceTo(app, minutes(deadline, -20));
    for (const m of [honest, swapper, borrower]) await signIn(app, m, certs.get(m)!, sectionId);
    await advanceTo(app, minutes(deadline, 1));
    await recordOpeningTimedFacts(app, app.clock.now());
    await publishBidderList(app, { actor: agency.actor, openingId, meta: TEST_META });
    await openDecryptionWindow(app, { actor: agency.actor, openingId, meta: TEST_META });
    for (const m of [honest, swapper, borrower])
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
      .select(["organisation_id", "security_verification"])
      .where("opening_id", "=", openingId)
      .execute();
    type V = { outcome: string; failures: { code: string; reason?: string }[] };
    const v = (m: Member) => rows.find((r) => r.organisation_id === m.organisationId)!.security_verification as V;
    expect(v(honest)).toMatchObject({ outcome: "verified", failures: [] });
    expect(v(swapper).outcome).toBe("failed");
    expect(v(swapper).failures).toEqual([expect.objectContaining({ code: "GUARANTEE_DECLARATION_INVALID", reason: "mismatch" })]);
    expect(v(borrower).failures.map((f) => f.code)).toEqual(["GUARANTEE_NOT_FOR_THIS_BID", "GUARANTEE_DECLARATION_INVALID"]);
    expect(v(borrower).failures[1]!.reason).toBe("notOwn");

    const host = await readOpening(app, agency.actor, openingId);
    expect(host.bidders!.find((b) => b.uscc === uscc(swapper))!.security!.zh).toContain("不是同一份保函");

    // The deadline has passed: the withdrawn bid's release goes on the ledger now; bid.json binds the swapper's.
    await run();
    expect((await readGuaranteeOnChain(tl.ledger, g.withdrawer.ledger_id))!.state).toBe("Released");
    expect(
      (await app.db.selectFrom("guarantees").select("status").where("id", "=", g.withdrawer.id).executeTakeFirstOrThrow()).status,
    ).toBe("released");
    expect((await readGuaranteeOnChain(tl.ledger, g.swapInBid.ledger_id))!.state).toBe("Bound");
    expect((await readGuaranteeOnChain(tl.ledger, g.swapDeclared.ledger_id))!.state).toBe("Issued");
    expect((await readGuaranteeOnChain(tl.ledger, g.honest.ledger_id))!.state).toBe("Bound");
  });
});
