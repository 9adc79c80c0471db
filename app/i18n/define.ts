/** English must have exactly the keys of zh-CN: this type says so. */
export type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };

/**
 * Messages of one area of the app (certificates, tendering, opening…), kept in one file with both
 * languages side by side and registered in ./areas/index.ts under the area's name, so that
 * people working on different areas never edit the same dictionary.
 */
export function defineMessages<const Zh extends Record<string, unknown>>(zh: Zh, en: Strings<Zh>) {
  return { zh, en };
}
