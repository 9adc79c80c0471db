import { CREDIT_GRADES, type BanScope, type CreditGrade } from "#app/domain/credit/credit.ts";
import { isLocalDay, plusDays, startOfShanghaiDay } from "#app/domain/calendar/local-day.ts";
import { validateUscc } from "#app/domain/shared/uscc.ts";

/**
 * Reading a credit data file (ARCHITECTURE.md §7 `credit import`): CSV with a header row, or a JSON
 * array of objects, with the columns `uscc, grade, effective_from, effective_to, source, reason,
 * ban_scope, ban_until`. Every line is checked and every problem reported with its line number,
 * so the operator fixes the file once; nothing is imported unless all lines are good.
 *
 * Dates are Shanghai days (`2026-03-01`) or ISO instants. `effective_to` and `ban_until` name the
 * last day in force: the period ends at the start of the next day.
 */
export const CREDIT_COLUMNS = ["uscc", "grade", "effective_from", "effective_to", "source", "reason", "ban_scope", "ban_until"] as const;

export interface CreditLine {
  line: number;
  uscc: string;
  grade: CreditGrade | null;
  effectiveFrom: Date;
  effectiveTo: Date | null;
  source: string;
  reason: string;
  ban: { scope: BanScope; until: Date } | null;
}

export interface CreditProblem {
  line: number;
  zh: string;
  en: string;
}

const GRADE_ALIASES: Record<string, CreditGrade> = { 红: "red", 橙: "orange", 蓝: "blue", 黑: "black" };
const SCOPE_ALIASES: Record<string, BanScope> = { 工程: "engineering", 工程建设: "engineering", 政府采购: "government", 全部: "both" };
const SCOPES: readonly BanScope[] = ["engineering", "government", "both"];
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export function parseCreditFile(content: string, filename = ""): { lines: CreditLine[]; problems: CreditProblem[] } {
  const text = content.replace(/^\uFEFF/, "");
  const json = filename.toLowerCase().endsWith(".json") || /^\s*[[{]/.test(text);
  let rows: { line: number; values: Record<string, string>; error?: string }[];
  try {
    rows = json ? jsonRows(text) : csvRows(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { lines: [], problems: [{ line: 1, zh: `文件格式错误：${msg}`, en: `malformed file: ${msg}` }] };
  }
  const lines: CreditLine[] = [];
  const problems: CreditProblem[] = [];
  if (rows.length === 0) problems.push({ line: 1, zh: "文件中没有数据行", en: "the file has no data lines" });
  for (const { line, values, error } of rows) {
    const bad = (zh: string, en: string) => problems.push({ line, zh, en });
    if (error) {
      bad(`字段数与表头不一致（${error}）`, `the number of fields differs from the header (${error})`);
      continue;
    }
    // PostgreSQL text cannot hold NUL, and no credit datum needs a control character (a quoted field may break lines).
    if (Object.values(values).some((x) => CONTROL.test(x))) {
      bad("含有不可见的控制字符（如 NUL），请检查文件编码", "contains a control character (such as NUL); check the file's encoding");
      continue;
    }
    const v = (k: (typeof CREDIT_COLUMNS)[number]) => (values[k] ?? "").trim();
    const uscc = validateUscc(v("uscc"));
    if (!uscc.ok)
      bad(`统一社会信用代码“${v("uscc")}”无效（${uscc.problem.kind}）`, `uscc "${v("uscc")}" is invalid (${uscc.problem.kind})`);
    const gradeText = v("grade");
    const grade =
      gradeText === ""
        ? null
        : (GRADE_ALIASES[gradeText] ?? (CREDIT_GRADES.includes(gradeText as CreditGrade) ? (gradeText as CreditGrade) : undefined));
    if (grade === undefined)
      bad(`信用等级“${gradeText}”无效（red/orange/blue/black 或 红/橙/蓝/黑）`, `grade "${gradeText}" is not red, orange, blue or black`);
    const from = instant(v("effective_from"), false);
    if (!from) bad(`生效日期“${v("effective_from")}”无效`, `effective_from "${v("effective_from")}" is not a date`);
    const to = v("effective_to") ? instant(v("effective_to"), true) : null;
    if (to === undefined) bad(`失效日期“${v("effective_to")}”无效`, `effective_to "${v("effective_to")}" is not a date`);
    else if (to && from && to <= from) bad("失效日期早于生效日期", "effective_to is before effective_from");
    if (!v("source")) bad("缺少来源（source）", "source is missing");
    if (!v("reason")) bad("缺少事由（reason）", "reason is missing");
    let ban: CreditLine["ban"] = null;
    const scopeText = v("ban_scope");
    if (scopeText) {
      const scope = SCOPE_ALIASES[scopeText] ?? (SCOPES.includes(scopeText as BanScope) ? (scopeText as BanScope) : undefined);
      const until = instant(v("ban_until"), true);
      if (!scope)
        bad(`禁入范围“${scopeText}”无效（engineering/government/both）`, `ban_scope "${scopeText}" is not engineering, government or both`);
      if (!until) bad(`禁入截止日期“${v("ban_until")}”无效`, `ban_until "${v("ban_until")}" is not a date`);
      else if (from && until <= from) bad("禁入截止日期早于生效日期", "ban_until is before effective_from");
      if (scope && until) ban = { scope, until };
    } else if (v("ban_until")) bad("有禁入截止日期但缺少禁入范围（ban_scope）", "ban_until is given without ban_scope");
    if (grade === null && !scopeText) bad("信用等级和禁入范围至少填写一项", "either grade or ban_scope is required");
    if (uscc.ok && grade !== undefined && from && to !== undefined && v("source") && v("reason") && (!scopeText || ban))
      lines.push({ line, uscc: uscc.value, grade, effectiveFrom: from, effectiveTo: to, source: v("source"), reason: v("reason"), ban });
  }
  return { lines: problems.length ? [] : lines, problems };
}

/** A day (start of it; `end`: start of the next day) or an ISO-8601 instant. */
function instant(text: string, end: boolean): Date | undefined {
  if (isLocalDay(text)) return startOfShanghaiDay(end ? plusDays(text, 1) : text);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const d = new Date(text);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

function jsonRows(text: string) {
  const data: unknown = JSON.parse(text);
  if (!Array.isArray(data)) throw new Error("JSON must be an array of objects");
  return data.map((item, i) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) throw new Error(`item ${i + 1} is not an object`);
    const values = Object.fromEntries(Object.entries(item).map(([k, val]) => [k, val === null || val === undefined ? "" : String(val)]));
    return { line: i + 1, values };
  });
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks; line numbers are physical. */
function csvRows(text: string) {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let startLine = 1;
  const endRecord = () => {
    fields.push(field);
    records.push({ line: startLine, fields });
    fields = [];
    field = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        if (c === "\n") line++;
        field += c;
      }
    } else if (c === '"' && field === "") {
      quoted = true;
    } else if (c === ",") {
      fields.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      startLine = line;
    } else {
      field += c;
    }
  }
  if (quoted) throw new Error(`unterminated quote starting on line ${startLine}`);
  if (field !== "" || fields.length) endRecord();
  const nonEmpty = records.filter((r) => r.fields.some((f) => f.trim() !== ""));
  const header = nonEmpty.shift();
  if (!header) return [];
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const missing = CREDIT_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length) throw new Error(`header lacks ${missing.join(", ")}`);
  return nonEmpty.map((r) => {
    const error = r.fields.length !== names.length ? `${r.fields.length} ≠ ${names.length}` : undefined;
    return { line: r.line, values: Object.fromEntries(names.map((n, i) => [n, r.fields[i] ?? ""])), error };
  });
}
