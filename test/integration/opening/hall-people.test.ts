import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { submitBid } from "#app/services/bidding/submit-bid.server.ts";
import { closeDecryptionWindowEarly } from "#app/services/opening/close-decryption-window-early.server.ts";
import { decryptBid } from "#app/services/opening/decrypt-bid.server.ts";
import { findOpeningOfSection } from "#app/services/opening/find-opening-of-section.server.ts";
import { getOwnRecipientInfo } from "#app/services/opening/get-own-recipient-info.server.ts";
import { listOwnOpenings } from "#app/services/opening/list-own-openings.server.ts";
import { openDecryptionWindow } from "#app/services/opening/open-decryption-window.server.ts";
import { assignOpeningOfficial } from "#app/services/opening/opening-officials.server.ts";
import { publishBidderList } from "#app/services/opening/publish-bidder-list.server.ts";
import { publishReadingOut } from "#app/services/opening/publish-reading-out.server.ts";
import { readOpening } from "#app/services/opening/read-opening.server.ts";
import { recordOpeningTimedFacts } from "#app/services/opening/record-timed-facts.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { isAppError } from "#app/domain/shared/app-error.ts";
import { nssDatabaseTrusting, pdfsig, tool } from "../../fixtures/pdf/poppler.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";
import {
  enrol,
  memberOf,
  organisationWithMember,
  publishedSection,
  sealBid,
  storedPath,
  type Enrolment,
  type Member,
} from "../bidding/helpers/bids.ts";
import { advanceTo, contentKey, expectCode, minutes, signIn } from "./helpers.ts";

/**
 * Issue 13 on real PostgreSQL: the agency finds its openings (today's and coming, with the phase),
 * the tenderer follows with the host's read view, and the opening record names the people — the
 * sign-in list by certificate subject, 开标人 (who opened decryption), 记录人 and 监标人 as the
 * agency chose them (decision 46) — checked with pdftotext, the platform signature with pdfsig.
 */
describe("the people of an opening", () => {
  let app: TestApp;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-hall-people-"));
  let agency: Member, recorder: Member, tenderer: Member, regulator: Member, farRegulator: Member;
  let bidders: Member[];
  let certs: Map<Member, Enrolment>;
  let sectionId: string, laterSectionId: string, sectionCode: string, laterCode: string;
  let deadline: Date;
  let openingId: string;

  beforeAll(async () => {
    app = await createTestApp();
    await ensurePlatformPki(app);
    agency = await organisationWithMember(app, { name: "榕城招标代理", kinds: ["agency"], roles: ["admin", "operate"] });
    recorder = await memberOf(app, agency.organisationId, { name: "林记录", roles: ["operate"] });
    tenderer = await organisationWithMember(app, { name: "福州水务集团", kinds: ["tenderer"], roles: ["admin", "operate"] });
    regulator = await organisationWithMember(app, { name: "福州市住建局", kinds: ["regulator"], roles: ["operate"], regionCode: "350100" });
    farRegulator = await organisationWithMember(app, {
      name: "厦门市住建局",
      kinds: ["regulator"],
      roles: ["operate"],
      regionCode: "350200",
    });
    bidders = await Promise.all(
      ["闽都建设", "三坊建筑", "七巷路桥"].map((name) => organisationWithMember(app, { name, kinds: ["bidder"], roles: ["admin", "bid"] })),
    );
    certs = new Map((await Promise.all(bidders.map((m) => enrol(app, m)))).map((cert, i) => [bidders[i]!, cert]));
    sectionCode = "E3501002026001301001";
    laterCode = "E3501002026001302001";
    sectionId = (
      await publishedSection(app, { agency: agency.actor, tendererOrganisationId: tenderer.organisationId, code: "E3501002026001301" })
    ).sectionId;
    laterSectionId = (
      await publishedSection(app, {
        agency: agency.actor,
        tendererOrganisationId: tenderer.organisationId,
        code: "E3501002026001302",
        deadlineDays: 40,
      })
    ).sectionId;
    for (const [i, m] of bidders.entries()) {
      await registerForSection(app, { actor: m.actor, sectionId, meta: TEST_META });
      const cert = certs.get(m)!;
      const sealed = await sealBid({
        dir,
        name: `bid-${i}`,
        sectionId,
        bidder: { uscc: m.actor.membership.organisationUscc, name: m.actor.membership.organisationName },
        fields: {
          price: String(100_000_000 + i * 1_000_000),
          durationDays: 365,
          quality: "合格",
          projectManager: { name: "陈工", idNumber: "11010519491231002X" },
        },
        signer: cert,
        recipients: [cert.certificatePem],
        sealedAt: app.clock.now(),
      });
      await submitBid(app, {
        actor: m.actor,
        sectionId,
        envelopePath: sealed.envelopePath,
        packageDigest: sealed.packageDigest,
        meta: TEST_META,
      });
    }
    deadline = (await app.db.selectFrom("sections").select("deadline_at").where("id", "=", sectionId).executeTakeFirstOrThrow())
      .deadline_at;
    openingId = (await findOpeningOfSection(app, sectionId)).openingId;
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("lists the agency's and the tenderer's openings of today and to come with their phase, and nobody else's", async () => {
    const asAgency = await listOwnOpenings(app, agency.actor);
    expect(asAgency.openings.map((o) => [o.sectionCode, o.phase, o.role, o.when])).toEqual([
      [sectionCode, "scheduled", "host", "coming"],
      [laterCode, "scheduled", "host", "coming"],
    ]);
    const asTenderer = await listOwnOpenings(app, tenderer.actor);
    expect(asTenderer.openings.map((o) => [o.sectionCode, o.role])).toEqual([
      [sectionCode, "tenderer"],
      [laterCode, "tenderer"],
    ]);
    const stranger = await organisationWithMember(app, { name: "别家招标代理", kinds: ["agency"], roles: ["operate"] });
    expect((await listOwnOpenings(app, stranger.actor)).openings).toEqual([]);
    await expectCode(listOwnOpenings(app, bidders[0]!.actor), "FORBIDDEN");

    // On the day of the opening it is today's, in Beijing time.
    await advanceTo(app, minutes(deadline, -20));
    const today = await listOwnOpenings(app, agency.actor);
    expect(today.openings.find((o) => o.sectionCode === sectionCode)).toMatchObject({ when: "today", phase: "signing-in" });
    expect(today.openings.find((o) => o.sectionCode === laterCode)).toMatchObject({ when: "coming" });
  });

  it("gives the tenderer the host's read view without its controls, and refuses it the host's actions", async () => {
    for (const m of bidders) await signIn(app, m, certs.get(m)!, sectionId);
    const asTenderer = await readOpening(app, tenderer.actor, openingId);
    expect(asTenderer.viewer).toBe("tenderer");
    expect(asTenderer.signIns).toHaveLength(3); // the public sees none before the deadline
    expect((await readOpening(app, null, openingId)).signIns).toEqual([]);
    expect(asTenderer.officialCandidates).toBeNull();
    expect((await readOpening(app, agency.actor, openingId)).officialCandidates?.recorder.map((p) => p.name).sort()).toEqual(
      [`${agency.actor.membership.organisationName}经办人`, "林记录"].sort(),
    );
    await expectCode(
      assignOpeningOfficial(app, { actor: tenderer.actor, openingId, duty: "recorder", personId: tenderer.personId, meta: TEST_META }),
      "FORBIDDEN",
    );
  });

  it("lets the agency choose the recorder among its members and the supervisor among the regulator's of the region only", async () => {
    await expectCode(
      assignOpeningOfficial(app, { actor: agency.actor, openingId, duty: "recorder", personId: bidders[0]!.personId, meta: TEST_META }),
      "OPENING_OFFICIAL_NOT_ELIGIBLE",
    );
    await expectCode(
      assignOpeningOfficial(app, { actor: agency.actor, openingId, duty: "supervisor", personId: farRegulator.personId, meta: TEST_META }),
      "OPENING_OFFICIAL_NOT_ELIGIBLE",
    );
    await assignOpeningOfficial(app, { actor: agency.actor, openingId, duty: "recorder", personId: recorder.personId, meta: TEST_META });
    await assignOpeningOfficial(app, { actor: agency.actor, openingId, duty: "supervisor", personId: regulator.personId, meta: TEST_META });
    const view = await readOpening(app, regulator.actor, openingId);
    expect(view.officials).toMatchObject({
      host: null,
      recorder: { name: "林记录", chosen: true },
      supervisor: { name: "福州市住建局经办人", organisationName: "福州市住建局", chosen: true },
    });
  });

  it("writes the sign-in list and 开标人, 记录人, 监标人 by name into the signed opening record", async () => {
    await advanceTo(app, minutes(deadline, 0.1));
    await recordOpeningTimedFacts(app, app.clock.now());
    await publishBidderList(app, { actor: agency.actor, openingId, meta: TEST_META });
    await openDecryptionWindow(app, { actor: agency.actor, openingId, meta: TEST_META });

    // A certificate the bid was not sealed for is named in words, not by an internal term.
    const other = await enrol(app, bidders[0]!);
    const refused = await getOwnRecipientInfo(app, { actor: bidders[0]!.actor, openingId, certificateSerial: other.serialHex }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isAppError(refused) && refused.code).toBe("OPENING_NO_RECIPIENT_FOR_CERTIFICATE");
    expect(isAppError(refused) && refused.messageIn("zh-CN")).not.toMatch(/recipient|info/i);

    for (const m of bidders)
      expect(
        await decryptBid(app, {
          actor: m.actor,
          openingId,
          contentKey: await contentKey(app, m, certs.get(m)!, openingId),
          meta: TEST_META,
        }),
      ).toEqual({ decrypted: true });
    const asHost = await readOpening(app, agency.actor, openingId);
    expect(asHost.officials?.host).toMatchObject({ name: "榕城招标代理经办人" });
    await closeDecryptionWindowEarly(app, { actor: agency.actor, openingId, meta: TEST_META });
    await publishReadingOut(app, { actor: agency.actor, openingId, meta: TEST_META });
    await advanceTo(app, minutes(deadline, 200));
    await recordOpeningTimedFacts(app, app.clock.now());
    const row = await app.db.selectFrom("openings").selectAll().where("id", "=", openingId).executeTakeFirstOrThrow();
    expect(row.opening_record_key).toBeTruthy();
    // The chosen people stay chosen; choosing after the record exists is refused.
    await expectCode(
      assignOpeningOfficial(app, { actor: agency.actor, openingId, duty: "recorder", personId: agency.personId, meta: TEST_META }),
      "OPENING_CONFIRMATION_PERIOD_OVER",
    );

    const file = path.join(dir, "opening-record.pdf");
    fs.copyFileSync(storedPath(app, row.opening_record_key!), file);
    const text = (await tool("pdftotext", ["-raw", file, "-"])).replace(/\s+/g, "");
    expect(text).toContain("开标人员");
    expect(text).toContain("开标人：榕城招标代理（榕城招标代理经办人）");
    expect(text).toContain("记录人：榕城招标代理（林记录）");
    expect(text).toContain("监标人：福州市住建局（福州市住建局经办人）");
    expect(text).toContain("投标人签到情况");
    for (const m of bidders) {
      // The sign-in names the person as the certificate's subject does, with the organisation and its USCC.
      const subject = (
        await app.db
          .selectFrom("person_certificates")
          .select("subject_name")
          .where("serial_hex", "=", certs.get(m)!.serialHex)
          .executeTakeFirstOrThrow()
      ).subject_name;
      expect(text).toContain(m.actor.membership.organisationName);
      expect(text).toContain(subject.replace(/\s+/g, ""));
      expect(text).toContain(m.actor.membership.organisationUscc);
    }

    const rootPem = (
      await app.db.selectFrom("pki_authorities").select("certificate_pem").where("role", "=", "root").executeTakeFirstOrThrow()
    ).certificate_pem;
    const nss = await nssDatabaseTrusting(path.join(dir, "nss"), rootPem);
    const [signature] = await pdfsig(nss, file);
    expect(signature!.text).toContain("Signature is Valid");
    expect(signature!.text).toContain("Certificate is Trusted");
    expect(signature!.text).toContain("Total document signed");
  });

  it("keeps an opening under way (confirming until the agency closes it) in the list beside the coming one", async () => {
    const list = await listOwnOpenings(app, agency.actor);
    expect(list.openings.find((o) => o.sectionCode === sectionCode)?.phase).toBe("confirming");
    expect(list.openings.find((o) => o.sectionCode === laterCode)).toMatchObject({ phase: "scheduled", when: "coming" });
    expect(laterSectionId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
