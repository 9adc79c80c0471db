import { Readable } from "node:stream";
import type { ErrorCode } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { declareJurisdiction } from "#app/services/complaints/jurisdiction.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { tinyPdf } from "#test/factories/tendering.ts";
import { organisationWithMember, publishedSection, type Member } from "../bidding/helpers/bids.ts";
import { TEST_META as meta } from "../helpers/test-app.ts";

export async function refusal(p: Promise<unknown>): Promise<{ code: ErrorCode; params: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as { code: ErrorCode; params: Record<string, unknown> };
  }
  throw new Error("expected a refusal");
}

export const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
export const file = (name: string, bytes: Uint8Array | Buffer) => ({ name, body: Readable.from([Buffer.from(bytes)]) });
export const evidencePdf = () => file("证据一.pdf", tinyPdf("evidence"));

export interface ComplaintParties {
  agency: Member;
  tenderer: Member;
  regulator: Member;
  provinceRegulator: Member;
  b1: Member;
  b2: Member;
  outsider: Member;
}

/** The parties, two regulators with declared jurisdiction over Fuzhou (the city's bureau for housing, the province for everything). */
export async function complaintParties(app: AppContext): Promise<ComplaintParties> {
  const agency = await organisationWithMember(app, { name: "福州建工招标代理", kinds: ["agency"], roles: ["admin", "operate"] });
  const tenderer = await organisationWithMember(app, { name: "福州城投集团", kinds: ["tenderer"], roles: ["admin", "operate"] });
  const regulator = await organisationWithMember(app, { name: "福州市住房和城乡建设局", kinds: ["regulator"], roles: ["operate"] });
  const provinceRegulator = await organisationWithMember(app, {
    name: "福建省公共资源交易监督管理局",
    kinds: ["regulator"],
    roles: ["operate"],
    regionCode: "350000",
  });
  const b1 = await organisationWithMember(app, { name: "海峡建设", kinds: ["bidder"], roles: ["admin", "bid"] });
  const b2 = await organisationWithMember(app, { name: "闽江路桥", kinds: ["bidder"], roles: ["admin", "bid"] });
  const outsider = await organisationWithMember(app, { name: "榕城市政", kinds: ["bidder"], roles: ["admin", "bid"] });
  await declareJurisdiction(app, {
    actor: regulator.actor,
    entries: [
      { regionCode: "350100", procurementType: "engineering", industry: "other" },
      { regionCode: "350100", procurementType: "engineering", industry: "housing" },
    ],
    meta,
  });
  await declareJurisdiction(app, {
    actor: provinceRegulator.actor,
    entries: [
      { regionCode: "350000", procurementType: "engineering", industry: "any" },
      { regionCode: "350000", procurementType: "government", industry: "any" },
    ],
    meta,
  });
  return { agency, tenderer, regulator, provinceRegulator, b1, b2, outsider };
}

let seq = 0;
/** A published section with b1 and b2 registered (they obtained the documents). */
export async function sectionWithRegistrants(app: AppContext, p: ComplaintParties, type: "engineering" | "government" = "engineering") {
  const s = await publishedSection(app, {
    agency: p.agency.actor,
    tendererOrganisationId: p.tenderer.organisationId,
    code: `E350100202699${String(++seq).padStart(2, "0")}${process.pid % 100}`,
    procurementType: type,
    deadlineDays: 30,
  });
  await registerForSection(app, { actor: p.b1.actor, sectionId: s.sectionId, meta });
  await registerForSection(app, { actor: p.b2.actor, sectionId: s.sectionId, meta });
  return s;
}
