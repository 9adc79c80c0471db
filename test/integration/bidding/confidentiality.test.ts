import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_OPENING_FORM, type OpeningForm } from "#app/domain/tendering/opening-form.ts";
import type { Logger } from "#app/server/context.server.ts";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { submitBid } from "#app/services/bidding/submit-bid.server.ts";
import { inviteMember } from "#app/services/members/invite-member.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";
import {
  enrol,
  memberOf,
  organisationWithMember,
  publishedSection,
  sealBid,
  sha256Hex,
  type Member,
  type SealedBid,
} from "./helpers/bids.ts";
import { citizenId, markersIn, priceMarkers, withEncodings, type Marker } from "./helpers/markers.ts";
import { browserCookies, startPages, type GetRoute, type Pages } from "./helpers/pages.ts";

/**
 * Before the opening no page, API response or log line carries a price or any other plaintext of
 * a bid, the database and the file store hold ciphertext only, and the "who sees what before the
 * deadline" table of ARCHITECTURE.md §4 holds for every role (办法 27; 法 22 and 办法 21 for who
 * registered). Every GET route of app/routes is requested as every role.
 */
const FORM: OpeningForm = [...DEFAULT_OPENING_FORM, { key: "commitment", label: "承诺事项", type: "text", required: true, maxLength: 200 }];

interface BidderScene {
  key: "A" | "B" | "C" | "D";
  name: string;
  admin: Member;
  sealed?: SealedBid;
  fields?: Record<string, unknown>;
  securityReference?: string;
  /** Plaintext that only the envelope carries. */
  secrets: Marker[];
}

interface Role {
  name: string;
  who: Member | null;
  /** Bidder organisations whose existence in this section the role must not learn. */
  mustNotSee: BidderScene["key"][];
  /** Whose bid this role's pages may change with (its own). */
  own?: "A" | "B";
  cookie?: string;
}

type Snapshot = Map<string, { status: number; body: string }>;

/** The header clock renders the server's time plus the milliseconds the render took: not a fact of the page. */
const steady = (body: string) => body.replace(/(<time dateTime=")[^"]*(" data-testid="server-time">)[^<]*/g, "$1$2");

describe("confidentiality of bids before the opening", () => {
  let app: TestApp;
  let pages: Pages;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-confidentiality-"));
  const logs: string[] = [];
  const record =
    (level: string) =>
    (...args: unknown[]) =>
      void logs.push(`${level} ${args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ")}`);
  const log: Logger = { info: record("app.info"), warn: record("app.warn"), error: record("app.error") };

  let projectId: string, sectionId: string, documentId: string, invitationToken: string;
  const bidders = {} as Record<BidderScene["key"], BidderScene>;
  let agency: Member, tenderer: Member, regulator: Member, operator: Member, staffA: Member;
  let roles: Role[];
  let allSecrets: Marker[];

  /** Values for route params: "scene" ones exist before any bid, "bid" ones only afterwards. */
  const paramValues = async (role: Role, withBids: boolean): Promise<Record<string, string[]>> => {
    const own = role.who?.organisationId;
    const values: Record<string, string[]> = {
      projectId: [projectId],
      sectionId: [sectionId],
      documentId: [documentId],
      organisationId: [...new Set([own, bidders.A.admin.organisationId, bidders.B.admin.organisationId].filter((v): v is string => !!v))],
      token: [invitationToken],
      personId: [bidders.A.admin.personId],
    };
    if (withBids) {
      const versions = await app.db
        .selectFrom("bid_versions as v")
        .innerJoin("bids as b", "b.id", "v.bid_id")
        .select(["v.id", "v.bid_id", "v.receipt_no", "v.envelope_sha256", "v.version"])
        .execute();
      Object.assign(values, {
        sha256: versions.map((v) => v.envelope_sha256),
        receiptNo: versions.map((v) => v.receipt_no),
        bidId: [...new Set(versions.map((v) => v.bid_id))],
        versionId: versions.map((v) => v.id),
        version: [...new Set(versions.map((v) => String(v.version)))],
      });
    }
    return values;
  };

  const urlsOf = (route: GetRoute, values: Record<string, string[]>): { urls: string[]; missing: string[] } => {
    const missing = route.params.filter((p) => !values[p]?.length);
    if (missing.length) return { urls: [], missing };
    let urls = [route.pattern];
    for (const p of route.params) urls = urls.flatMap((u) => values[p]!.map((v) => u.replace(`:${p}`, encodeURIComponent(v))));
    return { urls: urls.flatMap((u) => (route.page ? [u, u === "/" ? "/_root.data" : `${u}.data`] : [u])), missing: [] };
  };

  /** Requests every GET route as `role`; `withBids` adds the URLs only a bid makes (receipts, envelope hashes). */
  const crawl = async (role: Role, withBids: boolean, options: { resourcesOnly?: boolean } = {}): Promise<Snapshot> => {
    const values = await paramValues(role, withBids);
    const snapshot: Snapshot = new Map();
    for (const route of pages.routes.filter((r) => !options.resourcesOnly || !r.page)) {
      for (const url of urlsOf(route, values).urls) {
        const res = await pages.request(url, role.cookie);
        snapshot.set(url, { status: res.status, body: `${res.headers}\n\n${res.body.toString("utf8")}` });
      }
    }
    return snapshot;
  };
  const snapshots: Record<"beforeBids" | "afterA" | "afterBoth", Map<string, Snapshot>> = {
    beforeBids: new Map(),
    afterA: new Map(),
    afterBoth: new Map(),
  };
  const names = (keys: BidderScene["key"][]): Marker[] =>
    keys.flatMap((k) => [
      { label: `name of bidder ${k}`, text: bidders[k].name },
      { label: `USCC of bidder ${k}`, text: bidders[k].admin.actor.membership.organisationUscc },
    ]);

  /** console.error while the scene is set up (the shared setup traps it only inside tests). */
  const setupErrors: string[] = [];

  beforeAll(async () => {
    const errorSpy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
      record("console.error")(...args);
      // Remix's default handleError prints the 4xx answers of resource routes (401, 403, 409): expected refusals.
      const e = args[0] as { status?: unknown; internal?: unknown; data?: unknown } | null;
      const refusal =
        args.length === 1 && typeof e?.status === "number" && e.status < 500 && typeof e.internal === "boolean" && "data" in e;
      if (!refusal) setupErrors.push(args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : inspect(a, { depth: 4 }))).join(" "));
    });
    for (const level of ["log", "info", "warn", "debug"] as const) vi.spyOn(console, level).mockImplementation(record(`console.${level}`));
    const write = (stream: "stdout" | "stderr") =>
      vi.spyOn(process[stream], "write").mockImplementation((chunk: string | Uint8Array) => {
        logs.push(`${stream} ${typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8")}`);
        return true;
      });
    write("stdout");
    write("stderr");

    app = await createTestApp({ log });
    await ensurePlatformPki(app);
    operator = await organisationWithMember(app, {
      name: "省交易中心",
      kinds: ["operator"],
      roles: ["admin", "operate"],
      regionCode: "350000",
    });
    agency = await organisationWithMember(app, { name: "福州建工招标代理", kinds: ["agency"], roles: ["admin", "operate", "sign"] });
    tenderer = await organisationWithMember(app, { name: "福州城投集团", kinds: ["tenderer"], roles: ["admin", "operate", "sign"] });
    regulator = await organisationWithMember(app, { name: "福州市住建局", kinds: ["regulator"], roles: ["admin", "operate"] });
    const orgNames = { A: "榕城甲号建设工程有限公司", B: "闽都乙号路桥集团有限公司", C: "鹭岛丙号建筑有限公司", D: "刺桐丁号建材有限公司" };
    for (const key of ["A", "B", "C", "D"] as const) {
      const admin = await organisationWithMember(app, { name: orgNames[key], kinds: ["bidder"], roles: ["admin", "bid", "sign"] });
      bidders[key] = { key, name: orgNames[key], admin, secrets: [] };
    }
    staffA = await memberOf(app, bidders.A.admin.organisationId, { name: "甲号投标专员", roles: ["bid"] });
    ({ projectId, sectionId, documentId } = await publishedSection(app, {
      agency: agency.actor,
      tendererOrganisationId: tenderer.organisationId,
      code: "E3501002026000955",
      openingForm: FORM,
    }));
    for (const key of ["A", "B", "C"] as const)
      await registerForSection(app, { actor: bidders[key].admin.actor, sectionId, meta: TEST_META });
    // An invitation names the organisation that sends it to whoever holds the link: the agency's, not a bidder's.
    invitationToken = (await inviteMember(app, { actor: agency.actor, email: "newcomer@example.cn", roles: ["operate"], meta: TEST_META }))
      .token;

    // The bids: distinctive plaintext only the envelopes carry.
    const [certA, certStaffA, certB] = await Promise.all([enrol(app, bidders.A.admin), enrol(app, staffA), enrol(app, bidders.B.admin)]);
    const plaintext = {
      A: {
        price: 98765432101n,
        text: "甲号承诺标记QX7Z-41K9-MARKER",
        pm: "欧阳甲标",
        id: citizenId("35010219850317471"),
        doc: "甲号技术标正文-DOC-7F3K2",
      },
      B: {
        price: 12345678905n,
        text: "乙号承诺标记WV2P-88D3-MARKER",
        pm: "司马乙标",
        id: citizenId("35020319900101562"),
        doc: "乙号技术标正文-DOC-9Q1M4",
      },
    };
    for (const key of ["A", "B"] as const) {
      const p = plaintext[key];
      const b = bidders[key];
      b.fields = {
        price: p.price.toString(),
        durationDays: 365,
        quality: "优良",
        projectManager: { name: p.pm, idNumber: p.id },
        commitment: p.text,
      };
      b.securityReference = `BG-CONF-${key}-20261188`;
      b.secrets = [
        ...priceMarkers(key, p.price),
        { label: `text field of ${key}`, text: p.text },
        { label: `project manager of ${key}`, text: p.pm },
        { label: `ID number of ${key}`, text: p.id },
        { label: `bid document of ${key}`, text: p.doc },
      ];
      b.sealed = await sealBid({
        dir,
        name: `bid-${key}`,
        sectionId,
        bidder: { uscc: b.admin.actor.membership.organisationUscc, name: b.name },
        fields: b.fields,
        security: { kind: "guarantee", reference: b.securityReference },
        documents: [{ path: "技术标.txt", content: `${p.doc}\n报价 ${p.price} 分；${p.text}` }],
        signer: key === "A" ? certStaffA : certB,
        recipients: key === "A" ? [certA.certificatePem, certStaffA.certificatePem] : [certB.certificatePem],
        sealedAt: app.clock.now(),
      });
    }
    allSecrets = withEncodings([...bidders.A.secrets, ...bidders.B.secrets]);

    const cookie = async (m: Member | null) => browserCookies(app, m && { personId: m.personId, organisationId: m.organisationId });
    roles = [
      { name: "the public", who: null, mustNotSee: ["A", "B", "C", "D"] },
      { name: "bidder A's admin", who: bidders.A.admin, mustNotSee: ["B", "C", "D"], own: "A" },
      { name: "bidder A's bid staff", who: staffA, mustNotSee: ["B", "C", "D"], own: "A" },
      { name: "bidder B (registered, has bid)", who: bidders.B.admin, mustNotSee: ["A", "C", "D"], own: "B" },
      { name: "bidder C (registered, no bid)", who: bidders.C.admin, mustNotSee: ["A", "B", "D"] },
      { name: "bidder D (not registered)", who: bidders.D.admin, mustNotSee: ["A", "B", "C"] },
      { name: "the agency", who: agency, mustNotSee: ["D"] },
      { name: "the tenderer", who: tenderer, mustNotSee: ["D"] },
      { name: "the regulator", who: regulator, mustNotSee: ["D"] },
      { name: "the operator", who: operator, mustNotSee: [] },
    ];
    for (const role of roles) role.cookie = await cookie(role.who);

    pages = await startPages(app);
    // Downloading the tender documents is recorded (and counted on the agency's pages): download once
    // as every role first, so that the snapshots below differ only by what the bids changed.
    for (const role of roles) await crawl(role, false, { resourcesOnly: true });
    // Registered, nothing submitted yet.
    for (const role of roles) snapshots.beforeBids.set(role.name, await crawl(role, false));
    await submitBid(app, {
      actor: staffA.actor,
      sectionId,
      envelopePath: bidders.A.sealed!.envelopePath,
      packageDigest: bidders.A.sealed!.packageDigest,
      security: { kind: "guarantee", reference: bidders.A.securityReference! },
      meta: TEST_META,
    });
    for (const role of roles.filter((r) => r.own)) snapshots.afterA.set(role.name, await crawl(role, false));
    await submitBid(app, {
      actor: bidders.B.admin.actor,
      sectionId,
      envelopePath: bidders.B.sealed!.envelopePath,
      packageDigest: bidders.B.sealed!.packageDigest,
      security: { kind: "guarantee", reference: bidders.B.securityReference! },
      meta: TEST_META,
    });
    for (const role of roles) snapshots.afterBoth.set(role.name, await crawl(role, true));
    errorSpy.mockRestore();
  }, 600_000); // about two thousand page renders: minutes on two busy cores
  afterAll(async () => {
    await pages?.close();
    await app?.close();
    vi.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("knows every route file and can fill every route's params", async () => {
    expect(pages.unmatchedFiles, "route files that the Remix route tree does not know, or the other way round").toEqual([]);
    expect(pages.routes.length).toBeGreaterThan(20);
    const values = await paramValues(roles[1]!, true);
    const unfillable = pages.routes
      .map((r) => ({ route: r.file, missing: urlsOf(r, values).missing }))
      .filter((r) => r.missing.length > 0)
      .map((r) => `${r.route}: no value for ${r.missing.map((m) => `$${m}`).join(", ")} (add one to paramValues in this test)`);
    expect(unfillable, "routes this test cannot request").toEqual([]);
  });

  it("answers every request without a server error or an error log", () => {
    expect(setupErrors).toEqual([]);
    const errors = roles.flatMap((role) =>
      [...snapshots.afterBoth.get(role.name)!]
        .filter(([, r]) => r.status >= 500)
        .map(([url, r]) => `${role.name}: GET ${url} → ${r.status}`),
    );
    expect(errors).toEqual([]);
  });

  it("shows no price or other plaintext of a bid on any page or API response, to any role", () => {
    const leaks: string[] = [];
    for (const snapshotSet of Object.values(snapshots))
      for (const role of roles)
        for (const [url, res] of snapshotSet.get(role.name) ?? [])
          for (const m of markersIn(res.body, allSecrets)) leaks.push(`${role.name}: GET ${url} shows the ${m.label}`);
    expect([...new Set(leaks)]).toEqual([]);
  });

  it("shows the bid security declared beside the envelope only to the bidder's own organisation", () => {
    const leaks: string[] = [];
    for (const role of roles)
      for (const key of ["A", "B"] as const) {
        if (role.own === key) continue;
        const ref = { label: `security reference of ${key}`, text: bidders[key].securityReference! };
        for (const [url, res] of snapshots.afterBoth.get(role.name)!)
          if (markersIn(res.body, [ref]).length) leaks.push(`${role.name}: GET ${url} shows the ${ref.label}`);
      }
    expect(leaks).toEqual([]);
    // The check can fail: the bidder's own bid pages do show its declaration.
    const own = [...snapshots.afterBoth.get("bidder A's bid staff")!.values()].some((r) => r.body.includes(bidders.A.securityReference!));
    expect(own).toBe(true);
  });

  it("tells the public nothing of registrations, and each bidder only about itself", () => {
    const leaks: string[] = [];
    for (const role of roles)
      for (const [url, res] of snapshots.afterBoth.get(role.name)!)
        for (const m of markersIn(res.body, names(role.mustNotSee))) leaks.push(`${role.name}: GET ${url} shows the ${m.label}`);
    expect(leaks).toEqual([]);
    // The check can fail: a bidder's own pages do name it.
    const own = [...snapshots.afterBoth.get("bidder A's admin")!.values()].some((r) => r.body.includes(bidders.A.name));
    expect(own).toBe(true);
  });

  it("lets the agency, the tenderer and the regulator see who registered", () => {
    for (const name of ["the agency", "the tenderer", "the regulator"]) {
      const seen = (["A", "B", "C"] as const).filter((k) =>
        [...snapshots.afterBoth.get(name)!.values()].some((r) => r.body.includes(bidders[k].name)),
      );
      expect(seen, `${name} sees the registrations`).toEqual(["A", "B", "C"]);
    }
  });

  it("does not let anyone but the bidder itself tell who has bid: their pages are the same before and after each bid", () => {
    const diffs: string[] = [];
    const compare = (role: Role, from: "beforeBids" | "afterA", to: "afterA" | "afterBoth") => {
      const a = snapshots[from].get(role.name)!;
      const b = snapshots[to].get(role.name)!;
      for (const [url, before] of a) {
        const after = b.get(url)!;
        if (before.status !== after.status || steady(before.body) !== steady(after.body))
          diffs.push(`${role.name}: GET ${url} changed ${from} → ${to}`);
      }
    };
    for (const role of roles) {
      if (role.name === "the operator") continue; // sees bids as ciphertext rows and audit events (ARCHITECTURE.md §4)
      if (role.own === "A")
        compare(role, "afterA", "afterBoth"); // B's bid is invisible to A
      else if (role.own === "B")
        compare(role, "beforeBids", "afterA"); // A's bid is invisible to B
      else compare(role, "beforeBids", "afterBoth");
    }
    expect(diffs).toEqual([]);
  });

  it("keeps only ciphertext in the database: no column of any row carries a price or any plaintext of a bid", async () => {
    const columns = await sql<{ table_name: string; column_name: string; data_type: string }>`
      select c.table_name, c.column_name, c.data_type from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = 'public' and t.table_type = 'BASE TABLE' order by c.table_name, c.ordinal_position`.execute(app.db);
    const tables = new Map<string, string[]>();
    for (const c of columns.rows) tables.set(c.table_name, [...(tables.get(c.table_name) ?? []), c.column_name]);
    expect([...tables.keys()]).toEqual(expect.arrayContaining(["bid_versions", "bids", "audit_log", "outbox", "anchor_queue"]));
    const leaks: string[] = [];
    let dump = "";
    for (const [table, cols] of tables) {
      const select = cols.map((c) => `"${c.replace(/"/g, '""')}"::text`).join(", ");
      const rows = await sql<Record<string, string | null>>`select ${sql.raw(select)} from ${sql.table(table)}`.execute(app.db);
      for (const row of rows.rows)
        for (const [column, value] of Object.entries(row)) {
          if (value === null) continue;
          dump += value + "\n";
          for (const m of markersIn(value, allSecrets)) leaks.push(`${table}.${column} holds the ${m.label}`);
        }
    }
    expect([...new Set(leaks)]).toEqual([]);
    // The dump does cover the bids: their envelope hashes and receipts are there.
    for (const key of ["A", "B"] as const) expect(dump).toContain(sha256Hex(fs.readFileSync(bidders[key].sealed!.envelopePath)));
  });

  it("stores envelopes as ciphertext only: no file under the data directory carries any plaintext", () => {
    const files = (fs.readdirSync(app.config.dataDir, { recursive: true }) as string[])
      .map((f) => path.join(app.config.dataDir, f))
      .filter((f) => fs.statSync(f).isFile());
    expect(files.filter((f) => f.endsWith(".p7m"))).toHaveLength(2);
    const leaks = files.flatMap((f) =>
      markersIn(fs.readFileSync(f), allSecrets).map((m) => `${path.relative(app.config.dataDir, f)}: ${m.label}`),
    );
    expect(leaks).toEqual([]);
    // The scan can find what is there: the plaintext packages (kept by the bidders, never uploaded) do carry it.
    for (const key of ["A", "B"] as const) {
      const found = markersIn(fs.readFileSync(bidders[key].sealed!.packagePath), bidders[key].secrets).map((m) => m.label);
      expect(found).toEqual(expect.arrayContaining([`price of ${key} in fen`, `text field of ${key}`, `ID number of ${key}`]));
    }
  });

  it("writes no price or plaintext of a bid to any log", () => {
    log.info("canary app log");
    console.log("canary console log");
    expect(logs.some((l) => l.includes("canary app log"))).toBe(true);
    expect(logs.some((l) => l.includes("canary console log"))).toBe(true);
    const leaks = logs.flatMap((l) => markersIn(l, allSecrets).map((m) => `${m.label} in log line ${JSON.stringify(l.slice(0, 200))}`));
    expect(leaks).toEqual([]);
  });
});
