import { z } from "zod";

/**
 * The opening form (ARCHITECTURE.md §4): the typed fields every bid of a section carries inside
 * its envelope and that are read out at the opening. The agency defines the field list; it is
 * compiled to a JSON Schema (draft 2020-12) that the sealing tools and the opening validate
 * `bid.json`'s `fields` against (ajv). `price` (money) is always present and required.
 */
export const FIELD_TYPES = ["money", "integer", "decimal", "text", "date", "enum", "person"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

const key = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9]{0,39}$/, { message: "openingForm.key" })
  .describe("a JSON-friendly identifier: lower camel case");

export const OpeningField = z.discriminatedUnion("type", [
  z.object({ key, label: z.string().min(1).max(60), type: z.literal("money"), required: z.boolean() }),
  z.object({
    key,
    label: z.string().min(1).max(60),
    type: z.literal("integer"),
    required: z.boolean(),
    min: z.number().int().optional(),
    max: z.number().int().optional(),
  }),
  z.object({
    key,
    label: z.string().min(1).max(60),
    type: z.literal("decimal"),
    required: z.boolean(),
    scale: z.number().int().min(0).max(6),
  }),
  z.object({
    key,
    label: z.string().min(1).max(60),
    type: z.literal("text"),
    required: z.boolean(),
    maxLength: z.number().int().min(1).max(2000),
  }),
  z.object({ key, label: z.string().min(1).max(60), type: z.literal("date"), required: z.boolean() }),
  z.object({
    key,
    label: z.string().min(1).max(60),
    type: z.literal("enum"),
    required: z.boolean(),
    options: z.array(z.string().min(1).max(60)).min(2).max(20),
  }),
  z.object({ key, label: z.string().min(1).max(60), type: z.literal("person"), required: z.boolean() }),
]);
export type OpeningField = z.infer<typeof OpeningField>;

export const OpeningForm = z
  .array(OpeningField)
  .min(1)
  .max(30)
  .superRefine((fields, ctx) => {
    const price = fields.find((f) => f.key === "price");
    if (!price || price.type !== "money" || !price.required) ctx.addIssue({ code: "custom", message: "openingForm.priceRequired" });
    const seen = new Set<string>();
    for (const [i, f] of fields.entries()) {
      if (seen.has(f.key)) ctx.addIssue({ code: "custom", message: "openingForm.duplicateKey", path: [i, "key"], params: { key: f.key } });
      seen.add(f.key);
    }
  });
export type OpeningForm = z.infer<typeof OpeningForm>;

/** The form every new section starts with: price, construction period and project manager. */
export const DEFAULT_OPENING_FORM: OpeningForm = [
  { key: "price", label: "投标报价", type: "money", required: true },
  { key: "durationDays", label: "工期（日历天）", type: "integer", required: true, min: 1, max: 3650 },
  { key: "quality", label: "质量标准", type: "enum", required: true, options: ["合格", "优良"] },
  { key: "projectManager", label: "项目经理", type: "person", required: true },
];

/** Integer fen as a decimal string (JSON cannot carry a bigint): no sign, no leading zeros. */
export const MONEY_PATTERN = "^(0|[1-9][0-9]{0,17})$";
/** GB 11643 shape; the check digit and birth date are checked by citizenIdSchema when parsing. */
export const CITIZEN_ID_PATTERN = "^[1-9][0-9]{16}[0-9X]$";

function fieldSchema(f: OpeningField): Record<string, unknown> {
  const title = f.label;
  switch (f.type) {
    case "money":
      return { title, type: "string", pattern: MONEY_PATTERN, description: "fen (分), decimal string" };
    case "integer":
      return {
        title,
        type: "integer",
        ...(f.min !== undefined ? { minimum: f.min } : {}),
        ...(f.max !== undefined ? { maximum: f.max } : {}),
      };
    case "decimal":
      return { title, type: "string", pattern: f.scale === 0 ? "^-?(0|[1-9][0-9]*)$" : `^-?(0|[1-9][0-9]*)(\\.[0-9]{1,${f.scale}})?$` };
    case "text":
      return { title, type: "string", minLength: f.required ? 1 : 0, maxLength: f.maxLength };
    case "date":
      return { title, type: "string", format: "date" };
    case "enum":
      return { title, type: "string", enum: f.options };
    case "person":
      return {
        title,
        type: "object",
        properties: { name: { type: "string", minLength: 1, maxLength: 50 }, idNumber: { type: "string", pattern: CITIZEN_ID_PATTERN } },
        required: ["name", "idNumber"],
        additionalProperties: false,
      };
  }
}

/** The JSON Schema of `bid.json`'s `fields` for this form. */
export function compileOpeningForm(form: OpeningForm, id?: string): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    ...(id ? { $id: id } : {}),
    title: "bidhall opening form",
    type: "object",
    properties: Object.fromEntries(form.map((f) => [f.key, fieldSchema(f)])),
    required: form.filter((f) => f.required).map((f) => f.key),
    additionalProperties: false,
  };
}
