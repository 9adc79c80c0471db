import { AppError } from "#app/domain/shared/app-error.ts";
import { ORGANISATION_NAME_MAX, type NormalisedName } from "#app/domain/shared/organisation-name.ts";

const PROBLEMS = {
  empty: { zh: "单位名称不能为空", en: "the name is empty" },
  invisible: {
    zh: "单位名称含有不可见字符或文字方向控制字符（{{codePoint}}），这类字符会让两个名称看起来相同而实际不同，请删除后重新输入",
    en: "the name holds an invisible or text-direction control character ({{codePoint}}), which can make two different names look the same; remove it and type the name again",
  },
  control: {
    zh: "单位名称含有控制字符（{{codePoint}}），请删除后重新输入",
    en: "the name holds a control character ({{codePoint}}); remove it and type the name again",
  },
  tooLong: { zh: `单位名称不能超过 ${ORGANISATION_NAME_MAX} 个字符`, en: `the name is longer than ${ORGANISATION_NAME_MAX} characters` },
} as const;

/** The refusal of a name `normaliseOrganisationName` did not accept, in both languages (decision 22). */
export function organisationNameError(result: Extract<NormalisedName, { ok: false }>): AppError {
  const fill = (text: string) => text.replace("{{codePoint}}", result.codePoint ?? "");
  return new AppError("ORGANISATION_NAME_INVALID", {
    problem: result.problem,
    codePoint: result.codePoint,
    problemZh: fill(PROBLEMS[result.problem].zh),
    problemEn: fill(PROBLEMS[result.problem].en),
  });
}
