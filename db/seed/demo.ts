import type { Kysely } from "kysely";
import type { JurisdictionIndustry } from "#app/domain/complaint/jurisdiction.ts";
import type { Database, MemberRole, OrganisationKind, OrganisationStatus } from "#db/schema.ts";

/**
 * The demo world loaded into an empty database in embedded mode: one organisation of every
 * kind (four bidders, so an opening has enough bids), and one waiting for approval. Every
 * person's password is DEMO_PASSWORD (the README lists them).
 */
export const DEMO_PASSWORD = "bidhall-demo";

/**
 * The password of the demo bidders' PKCS#12 backups, offered with them on the development page
 * (`/dev/demo`, embedded mode only): the same word, so one person can play every seat.
 */
export const DEMO_BACKUP_PASSWORD = DEMO_PASSWORD;

/** The demo bidders whose people get a key and a certificate at seed time (decision 36). */
export const DEMO_KEY_BIDDERS = ["bidder2", "bidder3", "bidder4"] as const;

interface DemoOrganisation {
  key: string;
  name: string;
  uscc: string;
  kinds: OrganisationKind[];
  regionCode: string;
  status: OrganisationStatus;
  people: { name: string; email: string; roles: MemberRole[] }[];
  /** A regulator's declared jurisdiction: region × procurement type × industry. */
  jurisdiction?: { regionCode: string; procurementType: "engineering" | "government"; industry: JurisdictionIndustry }[];
}

// USCCs are fixed (and valid: check characters computed by GB 32100-2015) so the demo is stable.
export const DEMO_ORGANISATIONS: readonly DemoOrganisation[] = [
  {
    key: "operator",
    name: "福建省公共资源交易中心",
    uscc: "12350000MB0000001R",
    kinds: ["operator"],
    regionCode: "350000",
    status: "approved",
    people: [{ name: "王敏", email: "operator@demo.bidhall.cn", roles: ["admin", "operate"] }],
  },
  {
    key: "agency",
    name: "福州建工招标代理有限公司",
    uscc: "91350100MA2Y00001H",
    kinds: ["agency"],
    regionCode: "350100",
    status: "approved",
    people: [{ name: "李强", email: "agency@demo.bidhall.cn", roles: ["admin", "operate", "sign"] }],
  },
  {
    key: "tenderer",
    name: "福州市城市建设投资集团有限公司",
    uscc: "91350100MA2Y00002L",
    kinds: ["tenderer"],
    regionCode: "350100",
    status: "approved",
    people: [{ name: "陈静", email: "tenderer@demo.bidhall.cn", roles: ["admin", "operate", "sign"] }],
  },
  {
    key: "bidder1",
    name: "福建海峡建设工程有限公司",
    uscc: "91350100MA2Y00003P",
    kinds: ["bidder"],
    regionCode: "350100",
    status: "approved",
    people: [
      { name: "张伟", email: "bidder1@demo.bidhall.cn", roles: ["admin", "bid", "sign"] },
      { name: "刘洋", email: "bidder1-staff@demo.bidhall.cn", roles: ["bid"] },
    ],
  },
  {
    key: "bidder2",
    name: "闽江路桥集团有限公司",
    uscc: "91350100MA2Y00004T",
    kinds: ["bidder"],
    regionCode: "350100",
    status: "approved",
    people: [{ name: "黄磊", email: "bidder2@demo.bidhall.cn", roles: ["admin", "bid", "sign"] }],
  },
  {
    key: "bidder3",
    name: "厦门鹭岛建筑有限公司",
    uscc: "91350200MA2Y000053",
    kinds: ["bidder"],
    regionCode: "350200",
    status: "approved",
    people: [{ name: "林芳", email: "bidder3@demo.bidhall.cn", roles: ["admin", "bid", "sign"] }],
  },
  {
    key: "bidder4",
    name: "泉州安平建设有限公司",
    uscc: "91350500MA2Y00006M",
    kinds: ["bidder"],
    regionCode: "350500",
    status: "approved",
    people: [{ name: "吴刚", email: "bidder4@demo.bidhall.cn", roles: ["admin", "bid", "sign"] }],
  },
  {
    key: "guarantor",
    name: "兴业银行股份有限公司福州分行",
    uscc: "91350100MA2Y000074",
    kinds: ["guarantor"],
    regionCode: "350100",
    status: "approved",
    people: [{ name: "郑华", email: "guarantor@demo.bidhall.cn", roles: ["admin", "operate", "sign"] }],
  },
  {
    key: "regulator",
    name: "福州市住房和城乡建设局",
    uscc: "11350100MB0000028R",
    kinds: ["regulator"],
    regionCode: "350100",
    status: "approved",
    // `sign`: the regulator signs its complaint decisions in the browser (decision 64).
    people: [{ name: "周建国", email: "regulator@demo.bidhall.cn", roles: ["admin", "operate", "sign"] }],
    // What it supervises (decision 62), so complaints about the demo project reach it.
    jurisdiction: [
      { regionCode: "350100", procurementType: "engineering", industry: "any" },
      { regionCode: "350100", procurementType: "government", industry: "any" },
    ],
  },
  {
    key: "finance",
    name: "福州市财政局",
    uscc: "11350100MB0000036L",
    kinds: ["finance"],
    regionCode: "350100",
    status: "approved",
    people: [{ name: "孙丽", email: "finance@demo.bidhall.cn", roles: ["admin", "operate"] }],
  },
  {
    key: "pending",
    name: "莆田新兴建材有限公司",
    uscc: "91350300MA2Y00008H",
    kinds: ["bidder"],
    regionCode: "350300",
    status: "pending",
    people: [{ name: "蔡明", email: "pending@demo.bidhall.cn", roles: ["admin", "bid", "sign"] }],
  },
];

/** The demo guarantor's product (decision 0070): bid guarantees for both procurement types across Fujian, 0.5%, at least 200 yuan. */
export const DEMO_GUARANTEE_PRODUCT: {
  name: string;
  kind: "bid" | "performance";
  feeRateBp: number;
  minimumFeeFen: bigint;
  procurementTypes: ("engineering" | "government")[];
  regionCodes: string[];
  active: boolean;
} = {
  name: "电子投标保函（福建全省）",
  kind: "bid",
  feeRateBp: 50,
  minimumFeeFen: 20_000n,
  procurementTypes: ["engineering", "government"],
  regionCodes: ["35"],
  active: true,
};

export function demoAccounts(): { kind: OrganisationKind; organisation: string; email: string }[] {
  return DEMO_ORGANISATIONS.flatMap((o) => o.people.slice(0, 1).map((p) => ({ kind: o.kinds[0]!, organisation: o.name, email: p.email })));
}

export async function isEmptyDatabase(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom("organisations").select("id").limit(1).execute()).length === 0;
}
