import { describe, expect, it } from "vitest";
import { DEFAULT_OPENING_FORM, type OpeningForm } from "#app/domain/tendering/opening-form.ts";
import { SealedRecord, sealedDocuments, sealedRecordOf, sealedRows, sealInputsFingerprint } from "./sealed-record.ts";

const digest = "ab".repeat(32);
const sha = (c: string) => c.repeat(64);

function record(fields: Record<string, unknown>, form: OpeningForm = DEFAULT_OPENING_FORM) {
  return sealedRecordOf({
    packageDigest: digest,
    section: { id: "s1", code: "E3501002026000001001", name: "道路工程施工" },
    bidder: { uscc: "91350100M000100Y43", name: "福建海峡建设工程有限公司" },
    form,
    fields,
    security: { kind: "guarantee", reference: "BG-2026-000123" },
    manifest: {
      sealedAt: "2026-11-23T01:08:00.000Z",
      entries: [
        { path: "bid.json", sha256: sha("1"), size: 300 },
        { path: "documents/技术标.pdf", sha256: sha("2"), size: 52_428_800 },
      ],
    },
    signer: { serialHex: "0a1b", personName: "张伟" },
  });
}

describe("what the bidder sealed, as its browser shows it (decision 44)", () => {
  it("shows the price in figures and in 人民币大写, a person by name and number, an empty optional field as empty", () => {
    const form: OpeningForm = [...DEFAULT_OPENING_FORM, { key: "note", label: "备注", type: "text", required: false, maxLength: 200 }];
    const rows = sealedRows(
      record({ price: "1234567890", durationDays: 540, quality: "合格", projectManager: { name: "李建国", idNumber: "X" } }, form),
    );
    expect(rows).toEqual([
      { key: "price", label: "投标报价", value: "12,345,678.90", capitals: "人民币壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整", unit: "yuan" },
      { key: "durationDays", label: "工期（日历天）", value: "540" },
      { key: "quality", label: "质量标准", value: "合格" },
      { key: "projectManager", label: "项目经理", value: "李建国 X" },
      { key: "note", label: "备注", value: null },
    ]);
  });

  it("lists the documents as chosen, with the sizes and digests of the signed manifest", () => {
    expect(sealedDocuments(record({ price: "1" }))).toEqual([{ name: "技术标.pdf", size: 52_428_800, sha256: sha("2") }]);
  });

  it("is a record its own schema accepts, and a stored record of another shape is not", () => {
    expect(SealedRecord.safeParse(record({ price: "1" })).success).toBe(true);
    expect(SealedRecord.safeParse({ ...record({ price: "1" }), packageDigest: "not hex" }).success).toBe(false);
    expect(SealedRecord.safeParse({ format: "something else" }).success).toBe(false);
  });
});

describe("the upload button's test: does the screen still match the sealed envelope?", () => {
  const base = {
    fields: { price: "1234567890", durationDays: 540 },
    security: { kind: "guarantee", reference: "BG-1" },
    files: [{ name: "技术标.pdf", size: 10, lastModified: 1 }],
    signerSerial: "0A1B",
  };

  it("is the same for the same screen, whatever the order of the fields", () => {
    const reordered = { ...base, fields: { durationDays: 540, price: "1234567890" }, signerSerial: "0a1b" };
    expect(sealInputsFingerprint(reordered)).toBe(sealInputsFingerprint(base));
  });

  it("changes with the price, any field, the bid security, a file or the signer", () => {
    const fp = sealInputsFingerprint(base);
    expect(sealInputsFingerprint({ ...base, fields: { ...base.fields, price: "1234567891" } })).not.toBe(fp);
    expect(sealInputsFingerprint({ ...base, fields: { ...base.fields, durationDays: 541 } })).not.toBe(fp);
    expect(sealInputsFingerprint({ ...base, security: { kind: "guarantee", reference: "BG-2" } })).not.toBe(fp);
    expect(sealInputsFingerprint({ ...base, files: [{ ...base.files[0]!, lastModified: 2 }] })).not.toBe(fp);
    expect(sealInputsFingerprint({ ...base, files: [] })).not.toBe(fp);
    expect(sealInputsFingerprint({ ...base, signerSerial: "0a1c" })).not.toBe(fp);
  });
});
