import { createInstance } from "i18next";
import { renderToStaticMarkup } from "react-dom/server";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { describe, expect, it } from "vitest";
import { tooFewBidsGuidance } from "#app/domain/opening/too-few-bids.ts";
import type { OpeningView } from "#app/domain/opening/view.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";
import { i18nOptions } from "#app/i18n/config.ts";
import { HallHeader } from "./hall-panels.tsx";

/**
 * The opening hall's failure banner (流标) as people read it (decision 33): it names the article of
 * the section's procurement type — 87号令 for government procurement, never 招标投标法 — and
 * offers the tenderer's next steps beneath it.
 */
function failedView(type: ProcurementType, viewer: OpeningView["viewer"]): OpeningView {
  const at = "2026-12-18T01:30:00.000Z";
  return {
    openingId: "00000000-0000-4000-8000-000000000001",
    viewer,
    project: { code: "E350100202600001", name: "福州市第一医院医疗设备采购" },
    section: { id: "s", code: "E350100202600001001", name: "一包", remedyAllowed: true, minimumBids: 3, procurementType: type },
    now: at,
    phase: "failed",
    objectionStop: null,
    phaseUnderSuspension: "failed",
    suspension: null,
    failure: { at, kind: "tooFewBids", reason: null, ...tooFewBidsGuidance(type) },
    deadlineAt: at,
    signInOpensAt: at,
    validBidsAtDeadline: 2,
    bidderListPublishedAt: null,
    window: null,
    pauses: [],
    extensions: [],
    confirmation: null,
    signIns: [],
    bidders: null,
    ownBid: null,
    readingOut: null,
    reclassifications: [],
    objections: [],
    messages: [],
    confirmations: [],
    openingRecord: null,
    officials: null,
    officialCandidates: null,
  };
}

async function render(view: OpeningView, lng: "zh-CN" | "en"): Promise<string> {
  const i18n = createInstance();
  await i18n.use(initReactI18next).init({ ...i18nOptions, lng });
  return renderToStaticMarkup(
    <I18nextProvider i18n={i18n}>
      <HallHeader view={view} connected />
    </I18nextProvider>,
  );
}

describe("the failure banner of the opening hall", () => {
  it("cites 87号令 for a government-procurement section, and offers the purchaser's next steps", async () => {
    const zh = await render(failedView("government", "host"), "zh-CN");
    expect(zh).toContain("投标截止时有效投标 2 家，少于 3 家，不得开标（87号令第四十一条）");
    expect(zh).not.toContain("招标投标法");
    expect(zh).toContain("87号令第四十三条");
    expect(zh).toContain("报财政部门批准");
    expect(zh).toContain('href="/projects/new"');
    const en = await render(failedView("government", "public"), "en");
    expect(en).toContain("no opening (MOF Order 87 Art 41)");
    expect(en).not.toContain("Bidding Law");
    expect(en).not.toContain('href="/projects/new"'); // only the host is offered a new project
  });

  it("cites 招标投标法 and 实施条例 for an engineering section, with the re-tender", async () => {
    const zh = await render(failedView("engineering", "host"), "zh-CN");
    expect(zh).toContain("不得开标（招标投标法第二十八条、实施条例第四十四条）");
    expect(zh).toContain("招标人应当依法重新招标");
    expect(zh).not.toContain("87号令");
  });
});
