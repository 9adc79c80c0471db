import { createCookie } from "@remix-run/node";
import { RemixI18Next } from "remix-i18next/server";
import { asLanguage, DEFAULT_LANGUAGE, i18nOptions, SUPPORTED_LANGUAGES, type Language } from "./config.ts";

/** The language preference: a plain, readable cookie (it is not a secret). */
export const languageCookie = createCookie("bh_lang", { path: "/", sameSite: "lax", maxAge: 365 * 24 * 3600 });

export const i18nServer = new RemixI18Next({
  detection: {
    supportedLanguages: [...SUPPORTED_LANGUAGES],
    fallbackLanguage: DEFAULT_LANGUAGE,
    cookie: languageCookie,
    // The browser's Accept-Language is deliberately ignored: zh-CN is the default for everyone.
    order: ["cookie"],
  },
  i18next: i18nOptions,
});

export async function getLanguage(request: Request): Promise<Language> {
  return asLanguage(await i18nServer.getLocale(request));
}
