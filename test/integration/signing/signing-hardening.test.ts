import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signingRequestCleanup } from "#app/jobs/timed-tasks.ts";
import { createScheduler } from "#app/jobs/scheduler.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { toBytes } from "#app/server/db.server.ts";
import { renderSampleRecord } from "#app/server/pdf/render/sample-record.server.ts";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { completeSigning } from "#app/services/signing/complete-signing.server.ts";
import { registerSigningKindForTests } from "#app/services/signing/kinds.server.ts";
import { prepareSigning } from "#app/services/signing/prepare-signing.server.ts";
import { readSigningDocument } from "#app/services/signing/read-signing-document.server.ts";
import type { SigningKind } from "#app/services/signing/signing-kinds.server.ts";
import { enrol, organisationWithMember, type Enrolment, type Member } from "../bidding/helpers/bids.ts";
import { expectCode } from "../opening/helpers.ts";
import { TEST_META } from "../helpers/test-app.ts";
import { appOn, signAttributes } from "./helpers.ts";

const KIND = "test-hardening";

/**
 * Decision 0078 on both drivers: prepares of one document by one person at the same moment never
 * end in a unique violation (a 500) — the last one holds the open request and the others are
 * refused as superseded when completed —, and the prepared PDFs of requests that expired
 * uncompleted are emptied by the scheduler's task, leaving completed and live requests alone.
 */
describe.each(["pg", "pglite"] as const)("signing requests under load and after expiry (%s)", (driver) => {
  let app: AppContext & { close(): Promise<void> };
  let unregister: () => void;
  let pdf: Uint8Array;
  let signer: Member;
  let cert: Enrolment;
  const subjects = new Set<string>();

  // A kind that takes no row lock of its own, so only prepareSigning stands between two prepares.
  const kind: SigningKind = {
    kind: KIND,
    async load(_trx, actor, subjectId) {
      if (!subjects.has(subjectId)) throw new AppError("NOT_FOUND", { what: "document" });
      return {
        pdf,
        organisationId: actor.membership.organisationId,
        fieldName: "party1",
        reason: "测试签署",
        version: "v1",
        title: "测试文件",
      };
    },
    async onSigned() {},
  };
  const newSubject = () => {
    const id = randomUUID();
    subjects.add(id);
    return id;
  };
  const prepare = (subjectId: string) => prepareSigning(app, signer.actor, { kind: KIND, subjectId, certificateSerial: cert.serialHex });
  const complete = (p: { requestId: string; signedAttributesDer: string }) =>
    completeSigning(app, signer.actor, {
      requestId: p.requestId,
      signature: signAttributes(cert.privateKey, p.signedAttributesDer),
      meta: TEST_META,
    });
  const rows = (subjectId: string) =>
    app.db
      .selectFrom("signing_requests")
      .select(["id", "completed_at", "superseded_at", "prepared_pdf"])
      .where("subject_id", "=", subjectId)
      .execute();

  beforeAll(async () => {
    app = await appOn(driver, "fixed:2026-11-23T09:00:00+08:00");
    await ensurePlatformPki(app);
    unregister = registerSigningKindForTests(kind);
    pdf = await renderSampleRecord();
    signer = await organisationWithMember(app, { name: "福州市第一中学", kinds: ["tenderer"], roles: ["admin", "sign"] });
    cert = await enrol(app, signer);
  });
  afterAll(async () => {
    unregister?.();
    await app?.close();
  });

  it("five prepares of one document at once all answer; one request stays open and signs, the others are superseded", async () => {
    const subjectId = newSubject();
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => prepare(subjectId)));
    const failures = results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason));
    expect(failures).toEqual([]);
    const prepared = results.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof prepare>>>).value);
    expect(new Set(prepared.map((p) => p.requestId)).size).toBe(5);

    const stored = await rows(subjectId);
    const open = stored.filter((r) => !r.superseded_at && !r.completed_at);
    expect(open).toHaveLength(1);
    const winner = prepared.find((p) => p.requestId === open[0]!.id)!;
    for (const loser of prepared.filter((p) => p !== winner)) await expectCode(complete(loser), "SIGNING_REQUEST_SUPERSEDED");
    await complete(winner);
    expect((await rows(subjectId)).filter((r) => r.completed_at).map((r) => r.id)).toEqual([winner.requestId]);
  });

  it("empties the prepared PDF of a request that expired uncompleted, once; completed and live requests keep theirs", async () => {
    const done = await prepare(newSubject());
    await complete(done);
    const abandonedSubject = newSubject();
    const abandoned = await prepare(abandonedSubject);
    const supersededSubject = newSubject();
    const superseded = await prepare(supersededSubject);
    await prepare(supersededSubject);
    await expect(readSigningDocument(app, signer.actor, abandoned.requestId)).resolves.toMatchObject({ sha256: abandoned.documentSha256 });

    await app.clock.advance(10 * 60);
    const live = await prepare(newSubject());
    // Not expired yet (15 minutes): nothing to clear.
    expect(await signingRequestCleanup.run(app, app.clock.now())).toBe(0);

    await app.clock.advance(5 * 60);
    const size = async (id: string) => {
      const row = await app.db.selectFrom("signing_requests").select("prepared_pdf").where("id", "=", id).executeTakeFirstOrThrow();
      return toBytes(row.prepared_pdf).length;
    };
    // Every uncompleted request but the live one is due: the abandoned one, both of the superseded
    // subject's (and the losers of the test above, when it ran). The scheduler runs the task.
    const uncompleted = await app.db.selectFrom("signing_requests").select("id").where("completed_at", "is", null).execute();
    const due = uncompleted.filter((r) => r.id !== live.requestId).length;
    expect(due).toBeGreaterThanOrEqual(3);
    expect(await createScheduler(app, [signingRequestCleanup]).tick()).toEqual({ "signing.expired-requests": due });
    expect(await size(abandoned.requestId)).toBe(0);
    expect(await size(superseded.requestId)).toBe(0);
    expect(await size(done.requestId)).toBeGreaterThan(1000);
    expect(await size(live.requestId)).toBeGreaterThan(1000);
    expect(await signingRequestCleanup.run(app, app.clock.now())).toBe(0);

    // Too late to sign, and said so (not "not found"); the preview is refused the same way.
    await expectCode(complete(abandoned), "SIGNING_REQUEST_EXPIRED");
    await expectCode(readSigningDocument(app, signer.actor, abandoned.requestId), "SIGNING_REQUEST_EXPIRED");
    expect((await rows(abandonedSubject))[0]).toMatchObject({ completed_at: null });
    // The live request still signs.
    await complete(live);
  });
});
