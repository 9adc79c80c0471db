import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, sql } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAppError } from "#app/domain/shared/app-error.ts";
import { createClock } from "#app/server/clock.server.ts";
import { loadConfig } from "#app/server/config.server.ts";
import type { AppContext } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { importCredit } from "#app/services/credit/import-credit.server.ts";
import { createProject } from "#app/services/tendering/create-project.server.ts";
import { updateRuleSet } from "#app/services/tendering/manage-rule-sets.server.ts";
import { publishProject } from "#app/services/tendering/publish-project.server.ts";
import { readProject } from "#app/services/tendering/read-project.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { uploadTenderDocument } from "#app/services/tendering/upload-tender-document.server.ts";
import { migrateToLatest } from "#db/migrate.ts";
import type { Database } from "#db/schema.ts";
import { createOrganisationWithMember } from "#test/factories/organisations.ts";
import { actorOf, sectionTerms, tinyPdf } from "#test/factories/tendering.ts";
import { silentLog, TEST_META } from "../helpers/test-app.ts";

/**
 * Embedded mode (PGlite, one connection): the same legal rules as on PostgreSQL — a rule set below
 * the law refused, a black grade masked by a later red refused, a blue registrant flagged — and
 * migration 0016's defects column in place.
 */
describe("legal rules on PGlite (embedded mode)", () => {
  let app: AppContext;
  let agency: Actor, operator: Actor, regulator: Actor, black: Actor, blue: Actor;
  let tendererId: string;
  const meta = TEST_META;

  beforeAll(async () => {
    const pglite = new PGlite();
    await pglite.waitReady;
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    await migrateToLatest(db);
    const config = {
      ...loadConfig({ BIDHALL_MODE: "embedded", BIDHALL_DATA_DIR: path.join(os.tmpdir(), `bidhall-pglite-${process.pid}`) }),
      clock: "fixed:2026-11-23T09:00:00+08:00",
    };
    app = {
      config,
      db,
      dbHandle: { db, driver: "pglite", pglite, close: () => db.destroy() },
      clock: createClock(config.clock),
      secrets: { session: "test-session-secret-which-is-long-enough" },
      log: silentLog,
    };
    const mk = async (name: string, kind: "bidder" | "agency" | "tenderer" | "regulator" | "operator", regionCode = "350100") => {
      const { organisation, person } = await createOrganisationWithMember(db, {
        organisation: { name, kinds: [kind], regionCode },
        person: { name, email: `${name}@example.cn` },
        roles: kind === "bidder" ? ["admin", "bid"] : ["admin", "operate"],
      });
      return { actor: await actorOf(db, person.id), id: organisation.id };
    };
    agency = (await mk("福州建工招标代理", "agency")).actor;
    tendererId = (await mk("福州城投集团", "tenderer")).id;
    operator = (await mk("交易中心", "operator", "350000")).actor;
    regulator = (await mk("福州市住建局", "regulator")).actor;
    black = (await mk("黑后转红建设", "bidder")).actor;
    blue = (await mk("蓝色关注建设", "bidder")).actor;
  });
  afterAll(() => app?.dbHandle.close());

  it("has migration 0016's defects column, empty by default", async () => {
    const { rows } = await sql<{ column_default: string }>`
      select column_default from information_schema.columns where table_name = 'opening_bids' and column_name = 'defects'`.execute(app.db);
    expect(rows[0]?.column_default).toContain("[]");
  });

  it("refuses a rule set below the law, naming the floor", async () => {
    const e = await updateRuleSet(app, {
      actor: operator,
      procurementType: "engineering",
      change: {
        documentsToDeadlineDays: 19,
        documentsOnSaleCount: 5,
        documentsOnSaleUnit: "calendarDays",
        clarificationLeadDays: 15,
        documentObjectionLeadDays: 10,
        bidSecurityMaxBasisPoints: 200,
        performanceSecurityMaxBasisPoints: 1000,
        minimumBids: 3,
      },
      note: "缩短",
      meta,
    }).catch((x: unknown) => x);
    expect(isAppError(e) && e.code).toBe("RULE_SET_LOOSER_THAN_LAW");
    expect(isAppError(e) && e.messageIn("zh-CN")).toContain("招标投标法第二十四条");
  });

  it("refuses a black grade masked by a later red, and flags a blue registrant to the agency and the regulator", async () => {
    await importCredit(app, {
      actor: operator,
      filename: "c.csv",
      content: [
        "uscc,grade,effective_from,effective_to,source,reason,ban_scope,ban_until",
        `${black.membership.organisationUscc},black,2026-03-01,,福州市中级人民法院,列入失信被执行人名单,,`,
        `${black.membership.organisationUscc},red,2026-06-01,,福建省住房和城乡建设厅,年度信用评价,,`,
        `${blue.membership.organisationUscc},blue,2026-02-01,,福建省公共资源交易中心,重点关注名单,,`,
      ].join("\n"),
      meta,
    });
    const { projectId, sectionIds } = await createProject(app, {
      actor: agency,
      project: {
        code: "E35010020260001",
        name: "嵌入模式测试项目",
        regionCode: "350100",
        procurementType: "engineering",
        mandatoryTendering: true,
        description: "",
        tendererOrganisationId: tendererId,
      },
      sections: [sectionTerms({ name: "一标段", from: app.clock.now(), deadlineDays: 25 })],
      meta,
    });
    await uploadTenderDocument(app, { actor: agency, projectId, title: "招标文件", filename: "a.pdf", bytes: tinyPdf(), meta });
    await publishProject(app, { actor: agency, projectId, announcement: { title: "招标公告", body: "欢迎投标" }, meta });
    const refused = await registerForSection(app, { actor: black, sectionId: sectionIds[0]!, meta }).catch((x: unknown) => x);
    expect(isAppError(refused) && refused.code).toBe("CREDIT_BLACK");
    await registerForSection(app, { actor: blue, sectionId: sectionIds[0]!, meta });
    for (const viewer of [agency, regulator]) {
      const [row] = (await readProject(app, viewer, projectId)).registrations!;
      expect(row!.creditFlags).toMatchObject([{ kind: "grade", grade: "blue" }]);
    }
  });
});
