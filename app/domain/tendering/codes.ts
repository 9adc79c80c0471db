import type { Validation } from "#app/domain/shared/validation.ts";

/**
 * Project and section codes (DOMAIN.md §2): a project code is "E" + the 6-digit administrative
 * division + digits (e.g. E3504219400202018001); a section's code is its project's code + a
 * 3-digit sequence (001, 002, …).
 */
export type ProjectCodeProblem = { kind: "format" } | { kind: "region"; expected: string; actual: string };

export function validateProjectCode(input: string, regionCode?: string): Validation<string, ProjectCodeProblem> {
  const value = input.trim().toUpperCase();
  if (!/^E\d{6}\d{4,20}$/.test(value)) return { ok: false, problem: { kind: "format" } };
  if (regionCode && value.slice(1, 7) !== regionCode)
    return { ok: false, problem: { kind: "region", expected: regionCode, actual: value.slice(1, 7) } };
  return { ok: true, value };
}

export function sectionCode(projectCode: string, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999)
    throw new RangeError(`section sequence must be 1–999, got ${sequence}`);
  return `${projectCode}${String(sequence).padStart(3, "0")}`;
}
