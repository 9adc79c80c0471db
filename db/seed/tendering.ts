import type { Kysely } from "kysely";
import type { Database } from "#db/schema.ts";
import { sectionCode } from "#app/domain/tendering/codes.ts";
import { documentsToDeadlinePeriod, salePeriod } from "#app/domain/tendering/legal-checks.ts";
import { saveSectionPeriods } from "#app/server/repo/periods.server.ts";
import { currentRuleSet, loadHolidayCalendar } from "#app/server/repo/tendering.server.ts";
import { sectionTerms } from "#test/factories/tendering.ts";
import { DEMO_ORGANISATIONS } from "./demo.ts";

/**
 * The demo project (ARCHITECTURE.md §2 "a project whose deadline is minutes away"): published
 * three weeks before start-up by the demo agency for the demo tenderer, with two sections, one
 * closing ten minutes after start-up and one a week later, and two bidders registered. The
 * documents stay on sale until each deadline, so the tour's bidders can still register, and the
 * statutory periods are stored as publishing would (provisional when they reach a year the State
 * Council has not published: decision 0031). Written only once: a database that already has it is
 * left alone.
 */
export const DEMO_PROJECT_NAME = "福州滨海新城市政道路及配套工程";

export async function seedDemoTendering(db: Kysely<Database>, now: Date): Promise<boolean> {
  const code = `E350100${now.getUTCFullYear()}000001`;
  if (await db.selectFrom("projects").select("id").where("code", "=", code).executeTakeFirst()) return false;
  const org = async (key: string) => {
    const uscc = DEMO_ORGANISATIONS.find((o) => o.key === key)!.uscc;
    return db.selectFrom("organisations").select("id").where("uscc", "=", uscc).executeTakeFirst();
  };
  const [agency, tenderer, bidder1, bidder2] = await Promise.all([org("agency"), org("tenderer"), org("bidder1"), org("bidder2")]);
  if (!agency || !tenderer || !bidder1 || !bidder2) return false;
  const person = async (organisationId: string) =>
    (
      await db
        .selectFrom("memberships")
        .select("person_id")
        .where("organisation_id", "=", organisationId)
        .orderBy("created_at")
        .executeTakeFirstOrThrow()
    ).person_id;
  // Everything read before the transaction: embedded PGlite has one connection, so a query on
  // `db` inside `db.transaction()` would wait for the transaction forever.
  const [agent, bidder1Person, bidder2Person] = await Promise.all([person(agency.id), person(bidder1.id), person(bidder2.id)]);

  const publishedAt = new Date(now.getTime() - 21 * 86_400_000);
  const minute = 60_000;
  const soon = new Date(Math.ceil((now.getTime() + 10 * minute) / minute) * minute);
  const onSaleUntilDeadline = <T extends { deadlineAt: Date }>(s: T) => ({ ...s, saleUntil: s.deadlineAt });
  const first = onSaleUntilDeadline({ ...sectionTerms({ name: "道路工程施工", from: publishedAt, deadlineDays: 21 }), deadlineAt: soon });
  const second = onSaleUntilDeadline(
    sectionTerms({ name: "排水及照明工程施工", from: publishedAt, deadlineDays: 28, estimateFen: 650_000_000n }),
  );
  const [{ rules }, calendar] = await Promise.all([currentRuleSet(db, "engineering"), loadHolidayCalendar(db)]);
  const periods = (s: { saleFrom: Date }) => [
    salePeriod(rules, calendar, s.saleFrom),
    documentsToDeadlinePeriod(rules, calendar, { mandatoryTendering: true, issuedAt: publishedAt })!,
  ];

  await db.transaction().execute(async (trx) => {
    const { id: projectId } = await trx
      .insertInto("projects")
      .values({
        code,
        name: DEMO_PROJECT_NAME,
        region_code: "350100",
        procurement_type: "engineering",
        mandatory_tendering: true,
        description: "新建城市主干道 3.2 公里，含雨污水管网、路灯照明及交通设施。",
        tenderer_organisation_id: tenderer.id,
        agency_organisation_id: agency.id,
        created_by: agent,
        created_at: publishedAt,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const sections = await trx
      .insertInto("sections")
      .values(
        [first, second].map((s, i) => ({
          project_id: projectId,
          sequence: i + 1,
          code: sectionCode(code, i + 1),
          name: s.name,
          estimate_fen: s.estimateFen.toString(),
          deadline_at: s.deadlineAt,
          sign_in_lead_minutes: 5,
          decryption_window_minutes: s.decryptionWindowMinutes,
          confirmation_period_minutes: s.confirmationPeriodMinutes,
          minimum_bids: 3,
          bid_validity_days: s.bidValidityDays,
          bid_security_fen: s.bidSecurityFen.toString(),
          security_forms: s.securityForms,
          remedy_allowed: s.remedyAllowed,
          evaluation_method: s.evaluationMethod,
          opening_form: JSON.stringify(s.openingForm),
          sale_from: s.saleFrom,
          sale_until: s.saleUntil,
          published_at: publishedAt,
          created_at: publishedAt,
        })),
      )
      .returning("id")
      .execute();
    await saveSectionPeriods(trx, sections[0]!.id, periods(first), publishedAt);
    await saveSectionPeriods(trx, sections[1]!.id, periods(second), publishedAt);
    await trx
      .insertInto("announcements")
      .values({
        project_id: projectId,
        version: 1,
        title: `${DEMO_PROJECT_NAME}招标公告`,
        body: "福州市城市建设投资集团有限公司委托福州建工招标代理有限公司，就本项目进行公开招标，欢迎符合条件的投标人报名参加。\n\n投标人须在本平台报名并获取招标文件，投标文件须加密上传，开标在线进行（不见面开标）。",
        published_at: publishedAt,
        published_by: agent,
      })
      .execute();
    for (const [bidder, by, sectionIds] of [
      [bidder1, bidder1Person, sections.map((s) => s.id)],
      [bidder2, bidder2Person, [sections[0]!.id]],
    ] as const) {
      for (const sectionId of sectionIds)
        await trx
          .insertInto("registrations")
          .values({
            section_id: sectionId,
            organisation_id: bidder.id,
            registered_by: by,
            registered_at: new Date(publishedAt.getTime() + 86_400_000),
            credit_grade: null,
          })
          .execute();
    }
  });
  return true;
}
