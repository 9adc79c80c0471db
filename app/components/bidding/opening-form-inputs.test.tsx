import { createInstance } from "i18next";
import { renderToStaticMarkup } from "react-dom/server";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { describe, expect, it } from "vitest";
import { makeCitizenId } from "#app/domain/shared/citizen-id.ts";
import { DEFAULT_OPENING_FORM } from "#app/domain/tendering/opening-form.ts";
import { i18nOptions } from "#app/i18n/config.ts";
import type { FormValues } from "./form-problems.ts";
import { OpeningFormInputs } from "./opening-form-inputs.tsx";
import { SecurityInputs } from "./security-inputs.tsx";

/** Errors at the field (decision 45): each under its own input, tied to it, saying what is wrong. */
async function render(node: React.ReactNode, lng: "zh-CN" | "en" = "zh-CN"): Promise<string> {
  const i18n = createInstance();
  await i18n.use(initReactI18next).init({ ...i18nOptions, lng });
  return renderToStaticMarkup(<I18nextProvider i18n={i18n}>{node}</I18nextProvider>);
}

const ID = makeCitizenId("35010219800101123");
const values = (idNumber: string, price = "12,345,678.90"): FormValues => ({
  price,
  durationDays: "540",
  quality: "合格",
  projectManager: { name: "李建国", idNumber },
});
const form = (v: FormValues) => <OpeningFormInputs form={DEFAULT_OPENING_FORM} values={v} onChange={() => {}} showProblems />;

/** The text of the error element with this id, and the input that names it. */
function errorOf(html: string, id: string): { text: string | null; describedBy: boolean } {
  const m = new RegExp(`<span class="field-error" role="alert" id="${id}"[^>]*>([^<]*)</span>`).exec(html);
  return { text: m?.[1] ?? null, describedBy: html.includes(`aria-describedby="${id}"`) };
}

describe("errors at the field on the sealing page", () => {
  it("says under the ID number what is wrong with it: the length, the character and where, the check digit", async () => {
    const id = "field-projectManager-idNumber-error";
    expect(errorOf(await render(form(values(ID.slice(0, 16)))), id)).toEqual({
      text: "身份证号码应为 18 位，当前 16 位。",
      describedBy: true,
    });
    expect(errorOf(await render(form(values(`${ID.slice(0, 9)}a${ID.slice(10)}`))), id).text).toBe(
      "第 10 位的“a”不对：前 17 位只能是数字，第 18 位是数字或 X。",
    );
    const wrongLast = ID.slice(0, 17) + (ID.endsWith("1") ? "2" : "1");
    const html = await render(form(values(wrongLast)));
    expect(errorOf(html, id).text).toContain("校验码不符");
    // The name is fine, so only the number is marked.
    expect(errorOf(html, "field-projectManager-name-error").text).toBeNull();
    expect(errorOf(await render(form(values(wrongLast)), "en"), id).text).toContain("The check digit does not match");
  });

  it("says why a price is refused, under the price", async () => {
    const html = await render(form(values(ID, "12,345,678.901")));
    expect(errorOf(html, "field-price-error")).toEqual({ text: "最多两位小数（到分），当前 3 位。", describedBy: true });
  });

  it("shows nothing before the bidder first tries to seal", async () => {
    const html = await render(
      <OpeningFormInputs form={DEFAULT_OPENING_FORM} values={values("1")} onChange={() => {}} showProblems={false} />,
    );
    expect(html).not.toContain("field-error");
    expect(html).not.toContain("aria-invalid");
  });

  it("marks a missing guarantee number on its field", async () => {
    const html = await render(
      <SecurityInputs
        terms={{ amountFen: "20000000", forms: ["guarantee"], creditCommitmentAllowed: false }}
        kind="guarantee"
        reference=" "
        onKind={() => {}}
        onReference={() => {}}
        showProblems
        disabled={false}
      />,
    );
    expect(html).toMatch(/<input id="security-reference"[^>]*aria-invalid="true"[^>]*aria-describedby="security-reference-error"/);
    expect(errorOf(html, "security-reference-error").text).toBe("请填写保函编号：见担保机构出具的电子投标保函。");
  });
});
