import { endOfShanghaiDay, plusDays, shanghaiDay, startOfShanghaiDay } from "#app/domain/calendar/local-day.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import { documentsToDeadlinePeriod, salePeriod } from "#app/domain/tendering/legal-checks.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { currentRuleSet, loadHolidayCalendar } from "#app/server/repo/tendering.server.ts";
import type { SectionInput } from "#app/services/tendering/create-project.server.ts";
import { createProject } from "#app/services/tendering/create-project.server.ts";
import { downloadTenderDocument } from "#app/services/tendering/download-tender-document.server.ts";
import { publishProject } from "#app/services/tendering/publish-project.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { uploadTenderDocument } from "#app/services/tendering/upload-tender-document.server.ts";
import { renderDocument } from "#app/server/pdf/render/document.server.ts";
import { sectionTerms } from "#test/factories/tendering.ts";
import type { DemoScene, DemoSectionKey } from "./scene.ts";
import { beijing, days, minutes, type StoryStep } from "./timeline.ts";

/**
 * The demo project (ARCHITECTURE.md §2 "a project whose deadline is minutes away"), published by
 * the demo agency for the demo tenderer through the real services, so the legal checks of the
 * rule set in force decide whether it may be published: four sections, each at a different point
 * of its life when `npm start` first runs (decision 36).
 *
 * | section | deadline | at start-up |
 * |---|---|---|
 * | 001 道路工程施工 | ten minutes after start-up | registered bidders 1–4 may seal and submit |
 * | 002 排水及照明工程施工 | a week later | bidder 1 registered (the offline tool) |
 * | 003 桥梁工程施工 | a few minutes before start-up | sealed bids of bidders 2–4: the agency opens it |
 * | 004 绿化及景观工程施工 | a week or more earlier | opened, read out, confirmed, closed: the signed records |
 *
 * The law it keeps (DOMAIN.md §4): documents issued 35 days before the earliest open deadline
 * and at least 21 before the finished one (≥ 20 counted the legal way, 法 24); on sale for 7 days, or until the deadline where it is
 * still open (≥ 5, 条例 16), every
 * registration inside the sale period (条例 16); bid security 2 % of the estimate (≤ 2 %,
 * 条例 26); at least three bids where a section opens (法 28).
 */
export const DEMO_PROJECT_NAME = "福州滨海新城市政道路及配套工程";

export const DEMO_SECTIONS: Record<DemoSectionKey, { sequence: number; name: string; estimateFen: bigint }> = {
  today: { sequence: 1, name: "道路工程施工", estimateFen: 1_000_000_000n },
  nextWeek: { sequence: 2, name: "排水及照明工程施工", estimateFen: 650_000_000n },
  readyToOpen: { sequence: 3, name: "桥梁工程施工", estimateFen: 860_000_000n },
  finished: { sequence: 4, name: "绿化及景观工程施工", estimateFen: 480_000_000n },
};

/** Days from the publication to each section's deadline, and the documents' sale period. */
export const PUBLISHED_DAYS_BEFORE_START = 35;
export const FINISHED_DEADLINE_DAYS = 21;
export const NEXT_WEEK_DEADLINE_DAYS = 42;
export const SALE_DAYS = 7;

/** Who registers where (bidder keys of DEMO_ORGANISATIONS); registrations fall on the day after publication. */
const REGISTRATIONS: Record<DemoSectionKey, readonly string[]> = {
  today: ["bidder1", "bidder2", "bidder3", "bidder4"],
  nextWeek: ["bidder1"],
  readyToOpen: ["bidder2", "bidder3", "bidder4"],
  finished: ["bidder2", "bidder3", "bidder4"],
};

/** The documents are issued at 09:00 Beijing time, 35 days before the first start's day. */
export function publicationOf(startedAt: Date): Date {
  return beijing(startedAt, -PUBLISHED_DAYS_BEFORE_START, "09:00");
}

/**
 * The finished section's deadline and the closed sections' sale end, as the law counts them from
 * the publication on the holiday calendar (decision 30): a 20th day or a 5th sale day that falls
 * on a weekend or a holiday moves to the next working day, and the demo moves with it. Published
 * 35 days before the first start, so even a Spring Festival's week leaves the finished section
 * (at most 29 days after publication) closed days before start-up.
 */
export async function lawfulDemoDates(app: AppContext, published: Date): Promise<DemoScene["lawful"]> {
  const { rules } = await currentRuleSet(app.db, "engineering");
  const calendar = await loadHolidayCalendar(app.db);
  const toDeadline = documentsToDeadlinePeriod(rules, calendar, { mandatoryTendering: true, issuedAt: published })!;
  const sale = salePeriod(rules, calendar, published);
  const latest = (a: Date, b: Date) => (a > b ? a : b);
  return {
    finishedDeadline: latest(
      beijing(published, FINISHED_DEADLINE_DAYS, "09:30"),
      beijing(startOfShanghaiDay(toDeadline.lastDay), 0, "09:30"),
    ),
    saleUntil: latest(endOfShanghaiDay(plusDays(shanghaiDay(published), SALE_DAYS)), endOfShanghaiDay(sale.lastDay)),
  };
}

function terms(scene: DemoScene, key: DemoSectionKey): SectionInput {
  const published = publicationOf(scene.startedAt);
  const s = DEMO_SECTIONS[key];
  const base = sectionTerms({
    name: s.name,
    from: published,
    deadlineDays: key === "finished" ? FINISHED_DEADLINE_DAYS : NEXT_WEEK_DEADLINE_DAYS,
    saleDays: SALE_DAYS,
    estimateFen: s.estimateFen,
  });
  // The sections still open stay on sale until their deadlines, so a bidder who joins during the
  // tour can still register (条例 16 allows registration only within the sale period, decision 32).
  switch (key) {
    case "today":
      return { ...base, deadlineAt: scene.deadlines.today, saleUntil: scene.deadlines.today, signInLeadMinutes: 5 };
    case "nextWeek":
      return { ...base, saleUntil: base.deadlineAt, signInLeadMinutes: 5 };
    case "readyToOpen":
      return { ...base, deadlineAt: scene.deadlines.readyToOpen, saleUntil: scene.lawful.saleUntil };
    case "finished":
      return { ...base, deadlineAt: scene.lawful.finishedDeadline, saleUntil: scene.lawful.saleUntil };
  }
}

/** The tender documents: a real one-page PDF with the project's terms, rendered as records are. */
async function tenderDocumentPdf(scene: DemoScene, createdAt: Date): Promise<Uint8Array> {
  const keys = Object.keys(DEMO_SECTIONS) as DemoSectionKey[];
  return renderDocument({
    documentId: `ZBWJ-${scene.projectCode}`,
    title: `${DEMO_PROJECT_NAME}招标文件`,
    subtitle: "（演示数据）",
    createdAt,
    author: "福州建工招标代理有限公司",
    blocks: [
      {
        type: "fields",
        rows: [
          ["项目编号", scene.projectCode],
          ["招标人", "福州市城市建设投资集团有限公司"],
          ["招标代理机构", "福州建工招标代理有限公司"],
          ["招标方式", "公开招标（依法必须招标的工程建设项目）"],
        ],
      },
      { type: "heading", text: "标段划分" },
      {
        type: "table",
        columns: [
          { header: "标段", width: 1 },
          { header: "名称", width: 2 },
          { header: "投标截止时间即开标时间", width: 2 },
        ],
        rows: keys.map((k) => [
          String(DEMO_SECTIONS[k].sequence).padStart(3, "0"),
          DEMO_SECTIONS[k].name,
          formatShanghai(terms(scene, k).deadlineAt),
        ]),
      },
      {
        type: "paragraph",
        text: "投标文件须在本平台加密后递交，开标在线进行（不见面开标）。投标人在解密时间内使用本单位数字证书解密；解密失败的，可在解密时间内上传与回执一致的未加密投标文件（补救）。",
      },
    ],
  });
}

/** Creating, uploading, publishing; then each bidder registers and downloads the documents. */
export function tenderingSteps(scene: DemoScene): StoryStep[] {
  const published = publicationOf(scene.startedAt);
  const keys = Object.keys(DEMO_SECTIONS) as DemoSectionKey[];
  const steps: StoryStep[] = [
    {
      at: days(published, -1),
      name: "the agency creates the demo project",
      async run(app) {
        const { projectId, sectionIds } = await createProject(app, {
          actor: scene.agency.actor,
          project: {
            code: scene.projectCode,
            name: DEMO_PROJECT_NAME,
            regionCode: "350100",
            procurementType: "engineering",
            mandatoryTendering: true,
            description: "新建城市主干道 3.2 公里，含雨污水管网、路灯照明、桥梁及绿化景观工程。",
            tendererOrganisationId: scene.tendererOrganisationId,
          },
          sections: keys.map((k) => terms(scene, k)),
          meta: scene.agency.meta,
        });
        scene.projectId = projectId;
        keys.forEach((k, i) => (scene.sectionIds[k] = sectionIds[i]!));
      },
    },
    {
      at: minutes(days(published, -1), 40),
      name: "the agency uploads the tender documents",
      async run(app) {
        const { documentId } = await uploadTenderDocument(app, {
          actor: scene.agency.actor,
          projectId: scene.projectId!,
          title: "招标文件",
          filename: "招标文件.pdf",
          bytes: await tenderDocumentPdf(scene, app.clock.now()),
          meta: scene.agency.meta,
        });
        scene.documentId = documentId;
      },
    },
    {
      at: published,
      name: "the agency publishes the announcement and issues the documents",
      run: (app) =>
        publishProject(app, {
          actor: scene.agency.actor,
          projectId: scene.projectId!,
          announcement: {
            title: `${DEMO_PROJECT_NAME}招标公告`,
            body: "福州市城市建设投资集团有限公司委托福州建工招标代理有限公司，就本项目进行公开招标，欢迎符合条件的投标人报名参加。\n\n投标人须在本平台报名并获取招标文件，投标文件须加密上传，开标在线进行（不见面开标）。",
          },
          meta: scene.agency.meta,
        }),
    },
  ];
  // 条例 16: registration only while the documents are on sale — the day after publication.
  const registering = [...new Set(keys.flatMap((k) => REGISTRATIONS[k]))];
  registering.forEach((bidderKey, i) => {
    const at = beijing(published, 1, `${String(9 + i).padStart(2, "0")}:15`);
    keys
      .filter((k) => REGISTRATIONS[k].includes(bidderKey))
      .forEach((k, j) =>
        steps.push({
          at: minutes(at, 3 * j),
          name: `${bidderKey} registers for section ${DEMO_SECTIONS[k].sequence}`,
          run: (app) =>
            registerForSection(app, {
              actor: scene.bidder(bidderKey).actor,
              sectionId: scene.sectionIds[k]!,
              meta: scene.bidder(bidderKey).meta,
            }),
        }),
      );
    steps.push({
      at: minutes(at, 20),
      name: `${bidderKey} downloads the tender documents`,
      async run(app) {
        const file = await downloadTenderDocument(app, {
          actor: scene.bidder(bidderKey).actor,
          documentId: scene.documentId!,
          meta: scene.bidder(bidderKey).meta,
        });
        file.stream.resume();
        await new Promise((resolve, reject) => file.stream.once("end", resolve).once("error", reject));
      },
    });
  });
  return steps;
}
