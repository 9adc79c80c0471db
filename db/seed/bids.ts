import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { BID_FORMAT } from "#app/crypto/bid-package/formats.ts";
import { sealBid } from "#app/crypto/bid-package/seal-bid.ts";
import { makeCitizenId } from "#app/domain/shared/citizen-id.ts";
import { formatYuan } from "#app/domain/shared/money.ts";
import { renderDocument } from "#app/server/pdf/render/document.server.ts";
import { scratchDir } from "#app/server/scratch.server.ts";
import { getSealingKit } from "#app/services/bidding/get-sealing-kit.server.ts";
import { submitBid } from "#app/services/bidding/submit-bid.server.ts";
import type { DemoScene, DemoSectionKey } from "./scene.ts";
import { DEMO_SECTIONS } from "./tendering.ts";
import { beijing, type StoryStep } from "./timeline.ts";

/**
 * The demo bids: sealed with the browser's own sealing code (app/crypto/bid-package/seal-bid.ts,
 * WebCrypto) for the recipients the sealing kit names, signed with the bidder's key, and
 * submitted through `submitBid`, so receipts, storage, the audit trail and the anchor queue are
 * the real ones. Each bidder seals on its own computer (its own device fingerprint and address)
 * with its own documents and prices: nothing in the demo looks like collusion (DOMAIN.md §5).
 */
export interface DemoBid {
  bidder: string;
  /** Yuan with two decimals, as a bidder types it. */
  priceFen: bigint;
  durationDays: number;
  quality: "合格" | "优良";
  manager: { name: string; idFirst17: string };
  guarantee: string;
}

export const DEMO_BIDS: Record<"readyToOpen" | "finished", readonly DemoBid[]> = {
  finished: [
    {
      bidder: "bidder2",
      priceFen: 465_230_000n,
      durationDays: 240,
      quality: "合格",
      manager: { name: "郑国强", idFirst17: "35010219780312451" },
      guarantee: "XYBH-2026-FZ-03127",
    },
    {
      bidder: "bidder3",
      priceFen: 459_800_000n,
      durationDays: 225,
      quality: "优良",
      manager: { name: "许文辉", idFirst17: "35020319820726301" },
      guarantee: "XYBH-2026-XM-01986",
    },
    {
      bidder: "bidder4",
      priceFen: 471_588_050n,
      durationDays: 250,
      quality: "合格",
      manager: { name: "陈志明", idFirst17: "35050219750904273" },
      guarantee: "XYBH-2026-QZ-00451",
    },
  ],
  readyToOpen: [
    {
      bidder: "bidder2",
      priceFen: 843_210_000n,
      durationDays: 420,
      quality: "优良",
      manager: { name: "郑国强", idFirst17: "35010219780312451" },
      guarantee: "XYBH-2026-FZ-03388",
    },
    {
      bidder: "bidder3",
      priceFen: 836_500_000n,
      durationDays: 410,
      quality: "合格",
      manager: { name: "林晓东", idFirst17: "35020619860117203" },
      guarantee: "XYBH-2026-XM-02231",
    },
    {
      bidder: "bidder4",
      priceFen: 851_025_000n,
      durationDays: 400,
      quality: "合格",
      manager: { name: "吴建华", idFirst17: "35058319800611352" },
      guarantee: "XYBH-2026-QZ-00590",
    },
  ],
};

const TOOL = { name: "bidhall-browser", version: "1" };

/** The bid letter (投标函), the one document each demo bid carries. */
function bidLetter(scene: DemoScene, key: DemoSectionKey, bid: DemoBid, bidderName: string, at: Date): Promise<Uint8Array> {
  const section = DEMO_SECTIONS[key];
  return renderDocument({
    documentId: `TBH-${scene.projectCode}${String(section.sequence).padStart(3, "0")}-${bid.bidder}`,
    title: "投标函",
    subtitle: "（演示数据）",
    createdAt: at,
    author: bidderName,
    blocks: [
      {
        type: "fields",
        rows: [
          ["致", "福州市城市建设投资集团有限公司"],
          ["项目", `${scene.projectCode} 福州滨海新城市政道路及配套工程`],
          ["标段", `${String(section.sequence).padStart(3, "0")} ${section.name}`],
          ["投标人", bidderName],
          ["投标报价", `人民币 ${formatYuan(bid.priceFen)} 元`],
          ["工期", `${bid.durationDays} 日历天`],
          ["质量标准", bid.quality],
          ["项目经理", bid.manager.name],
        ],
      },
      {
        type: "paragraph",
        text: "我方已仔细研究招标文件的全部内容，愿意以上述投标报价、工期和质量标准承包本标段工程，并按招标文件的规定提交投标保证金。",
      },
    ],
  });
}

/** Seals `bid` in the story's present and submits it; the plaintext and the envelope are scratch files, removed after. */
async function sealAndSubmit(app: Parameters<StoryStep["run"]>[0], scene: DemoScene, key: DemoSectionKey, bid: DemoBid): Promise<void> {
  const holder = scene.holder(bid.bidder);
  const sectionId = scene.sectionIds[key]!;
  const kit = await getSealingKit(app, holder.actor, sectionId);
  const now = app.clock.now();
  const sealed = await sealBid({
    bid: {
      format: BID_FORMAT,
      sectionId,
      bidder: kit.bidder,
      fields: {
        price: bid.priceFen.toString(),
        durationDays: bid.durationDays,
        quality: bid.quality,
        projectManager: { name: bid.manager.name, idNumber: makeCitizenId(bid.manager.idFirst17) },
      },
      security: { kind: "guarantee", reference: bid.guarantee },
    },
    documents: [{ path: "投标函.pdf", bytes: await bidLetter(scene, key, bid, kit.bidder.name, now) }],
    signer: { certificatePem: holder.certificate.certificatePem, issuingCaPem: kit.issuingCaPem, key: holder.signingKey },
    recipientsPem: kit.recipients.map((r) => r.certificatePem),
    deviceFingerprint: createHash("sha256").update(`demo sealing computer of ${kit.bidder.uscc}`).digest("hex"),
    tool: TOOL,
    sealedAt: now,
  });
  const dir = scratchDir("demo-bid");
  try {
    const envelopePath = path.join(dir, "bid.p7m");
    await fs.promises.writeFile(envelopePath, sealed.envelope);
    await submitBid(app, {
      actor: holder.actor,
      sectionId,
      envelopePath,
      packageDigest: sealed.packageDigest,
      security: { kind: "guarantee", reference: bid.guarantee },
      meta: holder.meta,
    });
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

/** The bids of a section, on the days before its deadline, one bidder after another. */
export function biddingSteps(scene: DemoScene, key: "readyToOpen" | "finished", deadline: Date): StoryStep[] {
  return DEMO_BIDS[key].map((bid, i) => ({
    at: beijing(deadline, -2, ["10:24", "14:41", "16:07"][i] ?? "17:00"),
    name: `${bid.bidder} seals and submits its bid to section ${DEMO_SECTIONS[key].sequence}`,
    run: (app) => sealAndSubmit(app, scene, key, bid),
  }));
}
