/**
 * Administrative divisions (GB/T 2260 six-digit codes) known to this deployment. A trading
 * centre serves one province; the demo is set in Fujian. Regulators' jurisdictions and project
 * regions use these codes; a code covers its children (350000 covers 350100).
 */
export interface Region {
  code: string;
  zh: string;
  en: string;
}

export const REGIONS: readonly Region[] = [
  { code: "350000", zh: "福建省", en: "Fujian Province" },
  { code: "350100", zh: "福州市", en: "Fuzhou" },
  { code: "350200", zh: "厦门市", en: "Xiamen" },
  { code: "350300", zh: "莆田市", en: "Putian" },
  { code: "350400", zh: "三明市", en: "Sanming" },
  { code: "350500", zh: "泉州市", en: "Quanzhou" },
  { code: "350600", zh: "漳州市", en: "Zhangzhou" },
  { code: "350700", zh: "南平市", en: "Nanping" },
  { code: "350800", zh: "龙岩市", en: "Longyan" },
  { code: "350900", zh: "宁德市", en: "Ningde" },
];

export function findRegion(code: string): Region | undefined {
  return REGIONS.find((r) => r.code === code);
}

/** Whether `code` lies inside `jurisdiction` (a province covers its cities, a city its districts). */
export function regionWithin(code: string, jurisdiction: string): boolean {
  const prefix = jurisdiction.replace(/(00)+$/, "");
  return code.startsWith(prefix);
}
