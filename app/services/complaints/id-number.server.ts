import type { CitizenIdProblem } from "#app/domain/shared/citizen-id.ts";

/** A citizen ID number's problem (GB 11643) in both languages, for COMPLAINT_ID_NUMBER_INVALID. */
export function idProblemText(p: CitizenIdProblem): { problemZh: string; problemEn: string } {
  switch (p.kind) {
    case "length":
      return { problemZh: `应为 18 位，实为 ${p.length} 位`, problemEn: `it must have 18 characters, not ${p.length}` };
    case "character":
      return {
        problemZh: `第 ${p.position} 位“${p.character}”不是数字${p.position === 18 ? "或 X" : ""}`,
        problemEn: `character ${p.position} (“${p.character}”) is not a digit${p.position === 18 ? " or X" : ""}`,
      };
    case "birthDate":
      return {
        problemZh: `第 7–14 位的出生日期“${p.birthDate}”不是有效日期`,
        problemEn: `the birth date “${p.birthDate}” is not a real date`,
      };
    case "checkDigit":
      return {
        problemZh: `校验码不符（第 18 位应为“${p.expected}”），请逐位核对`,
        problemEn: `the check character does not match (the 18th should be “${p.expected}”); check each digit`,
      };
  }
}
