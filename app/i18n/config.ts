import type { InitOptions } from "i18next";
import { areas } from "./areas/index.ts";
import { en } from "./en.ts";
import { zhCN } from "./zh-CN.ts";

/** zh-CN first, English available (both bundled: two small dictionaries, no loading backend). */
export const SUPPORTED_LANGUAGES = ["zh-CN", "en"] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = "zh-CN";

type Areas = typeof areas;
const pick = <L extends "zh" | "en">(lang: L) =>
  Object.fromEntries(
    Object.entries(areas as Record<string, { zh: unknown; en: unknown }>).map(([name, messages]) => [name, messages[lang]]),
  ) as { [A in keyof Areas]: Areas[A][L] };

export const resources = {
  "zh-CN": { translation: { ...zhCN, ...pick("zh") } },
  en: { translation: { ...en, ...pick("en") } },
} as const;

export const i18nOptions = {
  supportedLngs: [...SUPPORTED_LANGUAGES],
  fallbackLng: DEFAULT_LANGUAGE,
  defaultNS: "translation",
  // Permission strings such as "manage:members:own" are keys: colons must not split namespaces.
  nsSeparator: false,
  interpolation: { escapeValue: false }, // React escapes
  resources,
} satisfies InitOptions;

export function asLanguage(value: unknown): Language {
  return value === "en" ? "en" : "zh-CN";
}
