import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAppError, type AppError } from "#app/domain/shared/app-error.ts";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { getSealingKit } from "#app/services/bidding/get-sealing-kit.server.ts";
import { assertMayBid, submitBid } from "#app/services/bidding/submit-bid.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";
import { enrol, organisationWithMember, publishedSection, sealBid, storedFiles, type Enrolment, type Member } from "./helpers/bids.ts";

/**
 * 招标投标法实施条例 Art 13: a tendering agency may not bid, or bid for another, in a tender it runs
 * (and, Art 34, neither may the tenderer). On real PostgreSQL, through the services the pages, the
 * offline tool and the upload endpoint call (decision 21).
 */
describe("the parties of a project never bid in it", () => {
  let app: TestApp;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-project-parties-"));
  let sectionId: string;
  // Agencies and tenderers that are bidders too: allowed as organisations, but never in their own project.
  let agency: Member, tenderer: Member, otherAgency: Member;
  let agencyCert: Enrolment, otherAgencyCert: Enrolment;

  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error("expected a refusal");
      },
      (e: unknown) => {
        if (!isAppError(e)) throw e;
        return e;
      },
    );
  const seal = (name: string, by: Member, cert: Enrolment) =>
    sealBid({
      dir,
      name,
      sectionId,
      bidder: { uscc: by.actor.membership.organisationUscc, name: by.actor.membership.organisationName },
      fields: {
        price: "1000000000",
        durationDays: 365,
        quality: "合格",
        projectManager: { name: "王建国", idNumber: "11010519491231002X" },
      },
      signer: cert,
      recipients: [cert.certificatePem],
      sealedAt: app.clock.now(),
    });

  beforeAll(async () => {
    app = await createTestApp();
    await ensurePlatformPki(app);
    agency = await organisationWithMember(app, {
      name: "福州建工招标代理",
      kinds: ["agency", "bidder"],
      roles: ["admin", "operate", "bid"],
    });
    tenderer = await organisationWithMember(app, {
      name: "福州城投集团",
      kinds: ["tenderer", "bidder"],
      roles: ["admin", "operate", "bid"],
    });
    otherAgency = await organisationWithMember(app, {
      name: "厦门另一招标代理",
      kinds: ["agency", "bidder"],
      roles: ["admin", "operate", "bid"],
    });
    ({ sectionId } = await publishedSection(app, {
      agency: agency.actor,
      tendererOrganisationId: tenderer.organisationId,
      code: "E3501002026000977",
    }));
    [agencyCert, otherAgencyCert] = await Promise.all([enrol(app, agency), enrol(app, otherAgency)]);
  });
  afterAll(async () => {
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("refuses the project's agency at registration, naming 条例 Art 13, audits it and registers nothing", async () => {
    const error = await refusal(registerForSection(app, { actor: agency.actor, sectionId, meta: TEST_META }));
    expect(error).toMatchObject({ code: "BIDDER_IS_PROJECT_PARTY", status: 403, params: { party: "agency" } });
    expect(error.messageIn("zh-CN")).toBe(
      "福州建工招标代理 是项目“闽江大道道路改造工程”的招标代理机构，不得报名或投标：招标代理机构不得在所代理的招标项目中投标或者代理投标（《招标投标法实施条例》第十三条）。",
    );
    expect(error.messageIn("en")).toContain("Bidding Law Implementing Regulations Art 13");
    expect(await app.db.selectFrom("registrations").select("id").where("organisation_id", "=", agency.organisationId).execute()).toEqual(
      [],
    );
    const audited = await app.db.selectFrom("audit_log").select("data").where("type", "=", "section.registration_refused").execute();
    expect(audited.map((r) => r.data)).toContainEqual({ sectionId, organisationId: agency.organisationId, reason: "project-party:agency" });
  });

  it("refuses the project's tenderer too", async () => {
    const error = await refusal(registerForSection(app, { actor: tenderer.actor, sectionId, meta: TEST_META }));
    expect(error).toMatchObject({ code: "BIDDER_IS_PROJECT_PARTY", params: { party: "tenderer" } });
    expect((error as AppError).messageIn("zh-CN")).toContain("《招标投标法实施条例》第三十四条");
  });

  it("refuses the agency's bid even with a registration from before the rule: no kit, no upload, no submission, nothing stored", async () => {
    // A registration written before the rule existed (or by any other path).
    await app.db
      .insertInto("registrations")
      .values({
        section_id: sectionId,
        organisation_id: agency.organisationId,
        registered_by: agency.personId,
        registered_at: app.clock.now(),
        credit_grade: null,
      })
      .execute();
    await expect(getSealingKit(app, agency.actor, sectionId)).rejects.toMatchObject({ code: "BIDDER_IS_PROJECT_PARTY" });
    // What the upload endpoint asks before it takes the first byte.
    await expect(assertMayBid(app, agency.actor, sectionId)).rejects.toMatchObject({ code: "BIDDER_IS_PROJECT_PARTY" });
    const sealed = await seal("agency", agency, agencyCert);
    const filesBefore = storedFiles(app);
    const error = await refusal(
      submitBid(app, {
        actor: agency.actor,
        sectionId,
        envelopePath: sealed.envelopePath,
        packageDigest: sealed.packageDigest,
        meta: TEST_META,
      }),
    );
    expect(error).toMatchObject({ code: "BIDDER_IS_PROJECT_PARTY", params: { party: "agency" } });
    expect(await app.db.selectFrom("bids").select("id").where("organisation_id", "=", agency.organisationId).execute()).toEqual([]);
    expect(storedFiles(app)).toEqual(filesBefore);
  });

  it("lets an agency of another project register and bid here", async () => {
    await registerForSection(app, { actor: otherAgency.actor, sectionId, meta: TEST_META });
    await expect(getSealingKit(app, otherAgency.actor, sectionId)).resolves.toMatchObject({ section: { id: sectionId } });
    const sealed = await seal("other-agency", otherAgency, otherAgencyCert);
    const { receipt } = await submitBid(app, {
      actor: otherAgency.actor,
      sectionId,
      envelopePath: sealed.envelopePath,
      packageDigest: sealed.packageDigest,
      meta: TEST_META,
    });
    expect(receipt.bidderUscc).toBe(otherAgency.actor.membership.organisationUscc);
  });
});
