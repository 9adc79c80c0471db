import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_OPENING_FORM, type OpeningForm } from "#app/domain/tendering/opening-form.ts";
import { jobHandlers } from "#app/jobs/handlers.ts";
import { createJobRunner } from "#app/jobs/runner.ts";
import type { Logger } from "#app/server/context.server.ts";
import { createLiveEventHubFor } from "#app/server/events/hub.server.ts";
import { ANCHOR_TREE_LEAVES, ANCHOR_WINDOW_SECONDS } from "#app/server/ledger/anchors.server.ts";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { submitBid } from "#app/services/bidding/submit-bid.server.ts";
import { findOpeningOfSection } from "#app/services/opening/find-opening-of-section.server.ts";
import { advanceOpening } from "#app/services/opening/record-timed-facts.server.ts";
import { resumeOpening } from "#app/services/opening/resume-opening.server.ts";
import { suspendOpening } from "#app/services/opening/suspend-opening.server.ts";
import { inviteMember } from "#app/services/members/invite-member.server.ts";
import { registerForSection } from "#app/services/tendering/register-for-section.server.ts";
import { applyForGuarantee, guaranteeOptionsFor } from "#app/services/guarantee/apply-for-guarantee.server.ts";
import { createGuaranteeProduct } from "#app/services/guarantee/guarantee-products.server.ts";
import { createGuaranteeRow } from "#test/factories/guarantees.ts";
import { readEventStream, type ParsedEvent } from "../events/event-stream.ts";
import { createTestApp, TEST_META, type TestApp } from "../helpers/test-app.ts";
import { startTestLedger, type TestLedger } from "../ledger/helpers/ledger-fixture.ts";
import { advanceTo, minutes, signIn } from "../opening/helpers.ts";
import {
  enrol,
  memberOf,
  organisationWithMember,
  publishedSection,
  sealBid,
  sha256Hex,
  type Enrolment,
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

  let projectId: string, sectionId: string, documentId: string, invitationToken: string, guaranteeIdA: string;
  const bidders = {} as Record<BidderScene["key"], BidderScene>;
  let agency: Member, tenderer: Member, regulator: Member, operator: Member, staffA: Member;
  let certA: Enrolment, certStaffA: Enrolment, certB: Enrolment;
  let ledger: TestLedger | undefined;
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
      // The demo kit's backups: this database has no demo kit, so every slug answers 404.
      slug: ["bidder2.p12"],
      // The splat of /api/* (unknown API addresses answer a JSON 404, decision 50).
      "*": ["no-such-endpoint"],
      // No notice exists here (no clarification, no termination): an unknown one answers 404 to everyone.
      noticeId: ["00000000-0000-4000-8000-000000000000"],
      // No signing request exists here (decision 55): an unknown one answers 404 to everyone.
      requestId: ["00000000-0000-4000-8000-000000000000"],
      // No objection or complaint exists here: an unknown one answers 404 to everyone (issue 15).
      objectionId: ["00000000-0000-4000-8000-000000000000"],
      complaintId: ["00000000-0000-4000-8000-000000000000"],
      // No guarantee application exists here (decision 0070): an unknown one answers 404 to everyone.
      applicationId: ["00000000-0000-4000-8000-000000000000"],
      // Bidder A's electronic guarantee (issue 14): its letter is A's alone (none stored: 404 to all).
      guaranteeId: [guaranteeIdA],
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
    for (const p of route.params)
      urls = urls.flatMap((u) => values[p]!.map((v) => u.replace(p === "*" ? "*" : `:${p}`, encodeURIComponent(v))));
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

  /** A browser session per role (sessions last 12 hours of platform time: again after the clock moves days). */
  const logInEveryRole = async () => {
    for (const role of roles)
      role.cookie = await browserCookies(app, role.who && { personId: role.who.personId, organisationId: role.who.organisationId });
  };

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
    // Bidder A applies for an electronic guarantee and gets one issued (issue 14): before the deadline
    // only A and its guarantor may know (decision 0057); no role below may see it.
    const guarantor = await organisationWithMember(app, { name: "海峡融资担保", kinds: ["guarantor"], roles: ["operate", "sign"] });
    const { productId } = await createGuaranteeProduct(app, {
      actor: guarantor.actor,
      input: {
        name: "投标保函",
        kind: "bid",
        feeRateBp: 15,
        minimumFeeFen: 50_000n,
        procurementTypes: ["engineering"],
        regionCodes: ["35"],
        active: true,
      },
      meta: TEST_META,
    });
    const options = await guaranteeOptionsFor(app, bidders.A.admin.actor, sectionId);
    const terms = {
      amountYuan: BigInt(options.amountFen),
      validFrom: new Date(options.validFrom),
      validUntil: new Date(options.validUntil),
    };
    await applyForGuarantee(app, { actor: bidders.A.admin.actor, sectionId, input: { productId, ...terms, note: "" }, meta: TEST_META });
    const issued = await createGuaranteeRow(app.db, {
      guarantorOrganisationId: guarantor.organisationId,
      guarantorPersonId: guarantor.personId,
      applicantOrganisationId: bidders.A.admin.organisationId,
      applicantPersonId: bidders.A.admin.personId,
      sectionId,
      beneficiaryOrganisationId: tenderer.organisationId,
      amountFen: terms.amountYuan,
      validFrom: terms.validFrom,
      validUntil: terms.validUntil,
      now: app.clock.now(),
    });
    await app.db.updateTable("guarantees").set({ status: "issued", issued_at: app.clock.now() }).where("id", "=", issued.id).execute();
    guaranteeIdA = issued.id;
    // An invitation names the organisation that sends it to whoever holds the link: the agency's, not a bidder's.
    invitationToken = (await inviteMember(app, { actor: agency.actor, email: "newcomer@example.cn", roles: ["operate"], meta: TEST_META }))
      .token;

    // The bids: distinctive plaintext only the envelopes carry.
    [certA, certStaffA, certB] = await Promise.all([enrol(app, bidders.A.admin), enrol(app, staffA), enrol(app, bidders.B.admin)]);
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
    await logInEveryRole();

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
    await app?.liveEvents?.stop();
    await ledger?.stop();
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
        // The operator's audit trail lists each bid event, sealed (decision 23): checked on its own below.
        if (role.name === "the operator" && url.startsWith("/operator/audit")) continue;
        const after = b.get(url)!;
        if (before.status !== after.status || steady(before.body) !== steady(after.body))
          diffs.push(`${role.name}: GET ${url} changed ${from} → ${to}`);
      }
    };
    for (const role of roles) {
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

  // ── From here on the clock moves: into the sign-in period, then past the deadline. ─────────────

  /** The hall's page and its data as `role` sees it (header clock steadied). */
  const hall = async (role: Role) => {
    const out: Record<string, string> = {};
    for (const url of [`/sections/${sectionId}/opening`, `/sections/${sectionId}/opening.data`]) {
      const res = await pages.request(url, role.cookie);
      out[url] = `${res.status}\n${steady(res.body.toString("utf8"))}`;
    }
    return out;
  };

  /** The hall's Server-Sent Events as `role` receives them, from the start of the stream. */
  const listen = async (role: Role) => {
    const abort = new AbortController();
    const res = await pages.open(`/sections/${sectionId}/opening/events`, role.cookie, {
      headers: { accept: "text/event-stream" },
      signal: abort.signal,
    });
    expect(res.status, `${role.name}: the hall's stream`).toBe(200);
    const sse = readEventStream(res);
    return { role, sse, abort, raw: () => sse.parser };
  };

  const waitFor = async (what: string, ok: () => boolean, timeoutMs = 15_000) => {
    const until = Date.now() + timeoutMs;
    while (!ok()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it("streams the opening hall to each role only what it may know before the deadline: no sign-in to the public, the operator or another bidder", async () => {
    app.liveEvents = createLiveEventHubFor(app.dbHandle, log, { heartbeatMs: 3_600_000 });
    const deadline = (await app.db.selectFrom("sections").select("deadline_at").where("id", "=", sectionId).executeTakeFirstOrThrow())
      .deadline_at;
    await advanceTo(app, minutes(deadline, -20)); // the sign-in period
    await logInEveryRole();
    const { openingId } = await findOpeningOfSection(app, sectionId);

    const streams = await Promise.all(roles.map(listen));
    const before = new Map<string, Record<string, string>>();
    for (const role of roles) before.set(role.name, await hall(role));
    await signIn(app, staffA, certStaffA, sectionId);
    await signIn(app, bidders.A.admin, certA, sectionId);
    const afterA = new Map<string, Record<string, string>>();
    for (const role of roles) afterA.set(role.name, await hall(role));
    await signIn(app, bidders.B.admin, certB, sectionId);
    const afterB = new Map<string, Record<string, string>>();
    for (const role of roles) afterB.set(role.name, await hall(role));
    // Public facts after the sign-ins: once a stream has them, it has been offered every sign-in.
    await suspendOpening(app, { actor: regulator.actor, openingId, reason: "核查举报", meta: TEST_META });
    await resumeOpening(app, { actor: regulator.actor, openingId, reason: "核查完毕", meta: TEST_META });
    for (const s of streams)
      await waitFor(`${s.role.name}'s stream to carry the resumption`, () => s.sse.parser.events.some((e) => e.type === "opening.resumed"));
    for (const s of streams) s.abort.abort();
    await Promise.all(streams.map((s) => s.sse.done));

    const received = (name: string): ParsedEvent[] => streams.find((s) => s.role.name === name)!.sse.parser.events;
    const shape = (events: ParsedEvent[]) => events.map((e) => ({ type: e.type, data: JSON.parse(e.data) as unknown }));
    const facts = ["opening.suspended", "opening.resumed"];
    const signInOf = (who: Member) => ({ type: "signin.recorded", data: { organisationId: who.organisationId, at: expect.any(String) } });
    const problems: string[] = [];
    const expectStream = (name: string, expected: unknown) => {
      try {
        expect(shape(received(name))).toEqual(expected);
      } catch {
        problems.push(`${name} received ${JSON.stringify(shape(received(name)))}`);
      }
    };
    // The public, and everyone who is the public in this hall (the operator, an unregistered bidder): bare signals.
    for (const name of ["the public", "the operator", "bidder D (not registered)"])
      expectStream(
        name,
        facts.map((type) => ({ type, data: {} })),
      );
    // A registered bidder: its own sign-ins only, and the public facts.
    const withFacts = (signIns: unknown[]) => [...signIns, ...facts.map((type) => ({ type, data: expect.anything() }))];
    expectStream("bidder C (registered, no bid)", withFacts([]));
    expectStream("bidder A's admin", withFacts([signInOf(staffA), signInOf(bidders.A.admin)]));
    expectStream("bidder A's bid staff", withFacts([signInOf(staffA), signInOf(bidders.A.admin)]));
    expectStream("bidder B (registered, has bid)", withFacts([signInOf(bidders.B.admin)]));
    // The host, the tenderer (the host's read view, decision 47) and the regulator see who signed in (decision 19).
    for (const name of ["the agency", "the tenderer", "the regulator"])
      expect(
        received(name).filter((e) => e.type === "signin.recorded"),
        name,
      ).toHaveLength(3);
    expect(problems).toEqual([]);
    // No gap between ids can be counted: every id is an opaque token, and no comment stood in for a withheld event.
    for (const s of streams) {
      expect(
        s.sse.parser.events.every((e) => /^[A-Za-z0-9_-]{22}$/.test(e.lastEventId)),
        s.role.name,
      ).toBe(true);
      expect(s.sse.parser.comments, s.role.name).toEqual([]);
    }

    // The hall's page (and the stream position it is rendered at) does not move with another organisation's sign-in.
    const moved: string[] = [];
    const same = (name: string, a: Map<string, Record<string, string>>, b: Map<string, Record<string, string>>) => {
      for (const [url, body] of Object.entries(a.get(name)!)) if (b.get(name)![url] !== body) moved.push(`${name}: ${url}`);
    };
    for (const name of ["the public", "the operator", "bidder C (registered, no bid)", "bidder D (not registered)"])
      same(name, before, afterB);
    same("bidder B (registered, has bid)", before, afterA);
    same("bidder A's admin", afterA, afterB);
    expect(moved).toEqual([]);
    // The check can fail: the host's page (and the tenderer's read view of it, decision 47) does show the sign-ins.
    expect(before.get("the agency")).not.toEqual(afterB.get("the agency"));
    expect(before.get("the tenderer")).not.toEqual(afterB.get("the tenderer"));
  });

  /** The operator's audit page (HTML and its data) filtered by `query`. */
  const auditPage = async (query: string) => {
    const out: string[] = [];
    for (const url of [`/operator/audit?${query}`, `/operator/audit.data?${query}`]) {
      const res = await pages.request(url, roles.find((r) => r.name === "the operator")!.cookie);
      expect(res.status, url).toBe(200);
      out.push(res.body.toString("utf8"));
    }
    return out.join("\n");
  };
  /** What tells who bid where: none of it may show before the deadline. */
  const bidIdentities = async (): Promise<Marker[]> => {
    const versions = await app.db.selectFrom("bid_versions").select(["receipt_no", "envelope_sha256"]).execute();
    return [
      ...names(["A", "B"]),
      ...[staffA, bidders.A.admin, bidders.B.admin].flatMap((m) => [
        { label: `email of ${m.email}`, text: m.email },
        { label: `person id of ${m.email}`, text: m.personId },
      ]),
      ...(["A", "B"] as const).map((k) => ({ label: `organisation id of ${k}`, text: bidders[k].admin.organisationId })),
      { label: "the section", text: sectionId },
      { label: "the bidders' IP", text: TEST_META.ip },
      ...versions.flatMap((v) => [
        { label: "a receipt number", text: v.receipt_no },
        { label: "an envelope hash", text: v.envelope_sha256 },
      ]),
    ];
  };

  it("shows the operator's audit trail each bid event before the deadline without who, where or which envelope", async () => {
    const leaks: string[] = [];
    for (const type of ["bid.submitted", "opening.signed_in"]) {
      const page = await auditPage(`type=${type}`);
      expect(page.match(/<tr [^>]*data-sealed=""/g) ?? [], type).toHaveLength(type === "bid.submitted" ? 2 : 3);
      // The organisation filter lists every organisation by name and id: those are looked for in the table only.
      const table = /<table[^>]*data-testid="audit-table"[\s\S]*?<\/table>/.exec(page)?.[0] ?? "";
      expect(table, type).toContain("data-sealed");
      for (const m of markersIn(table, await bidIdentities())) leaks.push(`type=${type}: the table shows the ${m.label}`);
      const everywhere = (await bidIdentities()).filter((m) => !/^(name|USCC|organisation id) of/.test(m.label));
      for (const m of markersIn(page, everywhere)) leaks.push(`type=${type}: the page or its data shows the ${m.label}`);
    }
    // Neither can a filter by organisation or person count them.
    for (const m of [staffA, bidders.A.admin, bidders.B.admin]) {
      for (const query of [`organisationId=${m.organisationId}`, `person=${encodeURIComponent(m.email)}`]) {
        const page = await auditPage(query);
        for (const type of ["bid.submitted", "opening.signed_in"])
          if (page.includes(`data-type="${type}"`)) leaks.push(`${query} lists a ${type} row`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it("gives the anchor API the same tree size and proof length for every batch, whatever it holds", async () => {
    ledger = await startTestLedger(app);
    const runner = createJobRunner(app, { handlers: jobHandlers });
    await app.clock.advance(ANCHOR_WINDOW_SECONDS);
    await runner.drain();
    const hashes = [
      ...(await app.db.selectFrom("bid_versions").select("envelope_sha256 as sha256").execute()),
      ...(await app.db.selectFrom("tender_documents").select("sha256").execute()),
    ].map((r) => r.sha256);
    expect(hashes.length).toBeGreaterThanOrEqual(3);
    const seen = new Set<string>();
    for (const hash of hashes) {
      const res = await pages.request(`/api/anchors/${hash}`);
      expect(res.status, hash).toBe(200);
      const body = JSON.parse(res.body.toString("utf8")) as { documentCount: number; proof: string[] };
      seen.add(`${body.documentCount} leaves, proof of ${body.proof.length}`);
    }
    expect([...seen]).toEqual([`${ANCHOR_TREE_LEAVES} leaves, proof of ${Math.log2(ANCHOR_TREE_LEAVES)}`]);
  });

  it("shows the operator every bid event in full from the deadline on, and judges a bidder's stream again at the deadline", async () => {
    const deadline = (await app.db.selectFrom("sections").select("deadline_at").where("id", "=", sectionId).executeTakeFirstOrThrow())
      .deadline_at;
    // Streams opened before the deadline by a registered organisation without a bid, and by one with a bid.
    const role = (name: string) => roles.find((r) => r.name === name)!;
    const early = await Promise.all([listen(role("bidder C (registered, no bid)")), listen(role("bidder B (registered, has bid)"))]);
    await waitFor("the early streams' replay", () => early.every((s) => s.sse.parser.events.some((e) => e.type === "opening.resumed")));
    await advanceTo(app, deadline);
    await logInEveryRole();
    await advanceOpening(app, (await findOpeningOfSection(app, sectionId)).openingId, deadline); // the scheduler counts the bids
    // Each ends at its first event after the deadline, unsent: the browser reconnects and is judged again.
    await Promise.all(early.map((s) => s.sse.done));
    for (const s of early) expect(s.sse.parser.events.map((e) => e.type)).not.toContain("bids.counted");
    const again = await Promise.all([listen(role("bidder C (registered, no bid)")), listen(role("bidder B (registered, has bid)"))]);
    await waitFor("the reconnections' replay", () => again.every((s) => s.sse.parser.events.some((e) => e.type === "bids.counted")));
    for (const s of again) s.abort.abort();
    await Promise.all(again.map((s) => s.sse.done));
    const [asC, asB] = again.map((s) => s.sse.parser.events);
    // Without a bid, C is now the public: bare signals, and no sign-in, not even its own (it made none).
    expect(asC!.every((e) => e.data === "{}")).toBe(true);
    expect(asB!.filter((e) => e.type === "signin.recorded").map((e) => JSON.parse(e.data) as { organisationId: string })).toEqual([
      { organisationId: bidders.B.admin.organisationId, at: expect.any(String) },
    ]);

    const submitted = await auditPage("type=bid.submitted");
    expect(submitted).not.toContain("data-sealed");
    const versions = await app.db.selectFrom("bid_versions").select(["receipt_no", "envelope_sha256"]).execute();
    for (const v of versions) expect(submitted).toContain(v.receipt_no);
    for (const k of ["A", "B"] as const) expect(submitted).toContain(bidders[k].name);
    const signedIn = await auditPage("type=opening.signed_in");
    expect(signedIn).toContain(bidders.A.name);
    expect(signedIn).not.toContain("data-sealed");
    expect(await auditPage(`organisationId=${bidders.B.admin.organisationId}`)).toContain('data-type="bid.submitted"');
  });
});
