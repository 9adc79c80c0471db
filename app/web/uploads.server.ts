import fs from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import path from "node:path";
import type { Request as ExpressRequest, Response as ExpressResponse } from "express";
import { ERRORS, Server, type ServerOptions } from "@tus/server";
import { UploadMetadata } from "#app/api/schemas.ts";
import { AppError, isAppError, type Lang } from "#app/domain/shared/app-error.ts";
import { formatBytes } from "#app/domain/shared/bytes.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import { requireCsrf } from "#app/server/csrf.server.ts";
import { requireApiActor, requirePermission, type Actor } from "#app/server/session.server.ts";
import { uploadsDirectory } from "#app/server/storage.server.ts";
import { StorageUnavailableError } from "#app/server/storage-url.server.ts";
import { authorizeBidUpload, MAX_ENVELOPE_BYTES } from "#app/services/bidding/authorize-bid-upload.server.ts";
import { submitBid, type BidSecurityDeclaration } from "#app/services/bidding/submit-bid.server.ts";
import { BidUploadStore } from "./bid-upload-store.server.ts";
import { clientAddress } from "./edge.server.ts";
import { SharedUploadLocker } from "./upload-locker.server.ts";

/**
 * Resumable bid uploads over tus (ARCHITECTURE.md §4 step 5), mounted on Express before any body
 * parser. The browser authenticates with its session (plus the CSRF header), the offline tool
 * with its API token. Metadata: `sectionId` and `packageDigest`. When the last byte arrives the
 * upload becomes a bid version through `submitBid`, and the response carries the receipt; an
 * upload that cannot become a bid (deadline passed, wrong recipients…) is discarded.
 *
 * Limits before work (decision 25): an upload is created — a file made — only for a member who
 * may submit, of an organisation registered for the open section and not barred, with a declared
 * Upload-Length within the section's limit (`authorizeBidUpload`), and only while the
 * organisation has no other upload for the section still receiving (`BidUploadStore`). Answers
 * carry our error codes and messages, never a database error or a stack trace.
 */
export const UPLOAD_PATH = "/api/uploads";

/**
 * The client's address of each request, as Express worked it out under TRUSTED_PROXIES. tus hands
 * its hooks a web Request (srvx) whose headers are read from the raw socket headers, so an address
 * cannot travel as a header (a client could send its own); it is looked up by the Node request.
 */
const clientAddresses = new WeakMap<IncomingMessage, string>();

function metaOf(req: Request): RequestMeta {
  const node = (req as { runtime?: { node?: { req?: IncomingMessage } } }).runtime?.node?.req;
  return { ip: (node && clientAddresses.get(node)) ?? "unknown", userAgent: req.headers.get("user-agent") ?? "" };
}

async function authenticate(app: AppContext, req: Request): Promise<Actor> {
  const actor = await requireApiActor(app, req);
  if (!req.headers.get("authorization")) await requireCsrf(app, req); // sessions are cookies: guard against cross-site requests
  requirePermission(actor, "submit:bid:own");
  return actor;
}

/** AppErrors become tus error responses in the user's language. */
function tusError(e: unknown, lang: Lang) {
  if (isAppError(e)) {
    const answer = { status_code: e.status, body: JSON.stringify({ error: { code: e.code, message: e.messageIn(lang) } }) };
    ourAnswers.add(answer);
    return answer;
  }
  return e;
}

/** Answers worded by tusError: passed through as they are, a 5xx among them too (STORAGE_UNAVAILABLE). */
const ourAnswers = new WeakSet<object>();

/** Optional metadata `securityKind` + `securityReference`: the bid security declared beside the envelope (decision 16). */
const SecurityMetadata = UploadMetadata.pick({ securityKind: true, securityReference: true }).required();

function securityOf(metadata: Record<string, string | null> | undefined): BidSecurityDeclaration | undefined {
  if (!metadata?.securityKind && !metadata?.securityReference) return undefined;
  const parsed = SecurityMetadata.safeParse(metadata);
  if (!parsed.success) throw new AppError("VALIDATION_FAILED", { field: "security" });
  return { kind: parsed.data.securityKind, reference: parsed.data.securityReference };
}

const langOf = (req: Request): Lang => ((req.headers.get("accept-language") ?? "").startsWith("en") ? "en" : "zh-CN");

/** tus writes every body as text; our refusals are JSON (decision 50), and say so. */
class JsonRefusalServer extends Server {
  override write(...[context, headers, status, body]: Parameters<Server["write"]>) {
    if (status >= 400 && body?.startsWith('{"error"')) headers.set("Content-Type", "application/json; charset=utf-8");
    return super.write(context, headers, status, body);
  }
}

export function createUploadServer(app: AppContext): Server {
  const directory = uploadsDirectory(app);
  const datastore = new BidUploadStore(app, directory);
  const options: Partial<ServerOptions> & { path: string; datastore: BidUploadStore } = {
    path: UPLOAD_PATH,
    datastore,
    // With PostgreSQL several instances may serve one upload (decision 53); PGlite is one process.
    ...(app.config.databaseUrl ? { locker: new SharedUploadLocker(app.db) } : {}),
    // tus's own ceiling (checked before our hooks); onResponseError words it like ours.
    maxSize: MAX_ENVELOPE_BYTES,
    // The Location is a path: the client resolves it against the address it used, so no
    // X-Forwarded-Host from anyone decides where an upload goes.
    relativeLocation: true,
    respectForwardedHeaders: false,
    async onUploadCreate(req, upload) {
      try {
        const actor = await authenticate(app, req);
        // The length is declared up front and judged now; a deferred length could grow later.
        if (upload.sizeIsDeferred || upload.size === undefined) throw new AppError("VALIDATION_FAILED", { field: "Upload-Length" });
        const sectionId = upload.metadata?.sectionId;
        const packageDigest = upload.metadata?.packageDigest;
        if (!sectionId || !packageDigest || !UploadMetadata.shape.packageDigest.safeParse(packageDigest).success)
          throw new AppError("VALIDATION_FAILED", { field: "metadata" });
        // An id that cannot be a section's names no section (never a database error).
        if (!UploadMetadata.shape.sectionId.safeParse(sectionId).success) throw new AppError("NOT_FOUND", { what: "section" });
        const security = securityOf(upload.metadata);
        await authorizeBidUpload(app, { actor, sectionId, size: upload.size, security });
        datastore.creations.set(upload, { actor, meta: metaOf(req) });
        // Who uploads is decided here, not by the client.
        return {
          metadata: {
            sectionId,
            packageDigest,
            ...(security ? { securityKind: security.kind, securityReference: security.reference } : {}),
            personId: actor.personId,
            organisationId: actor.membership.organisationId,
          },
        };
      } catch (e) {
        throw tusError(e, langOf(req));
      }
    },
    async onIncomingRequest(req, uploadId) {
      if (req.method === "POST" || req.method === "OPTIONS") return;
      try {
        // Uploads are write-only: an upload's bytes are never served back.
        if (req.method === "GET") throw new AppError("NOT_FOUND", { what: "upload" });
        const actor = await authenticate(app, req);
        const upload = await datastore.getUpload(uploadId);
        // An upload is resumed only by the person who started it.
        if (upload.metadata?.personId !== actor.personId) throw new AppError("FORBIDDEN");
        // NOTE 办法 27: after the deadline no byte more is taken; the unfinished upload counts as withdrawn
        // (app/jobs/upload-cleanup.ts discards it) and the last complete version stands.
        if (req.method === "PATCH" && upload.metadata?.sectionId) {
          const section = await app.db
            .selectFrom("sections")
            .select("deadline_at")
            .where("id", "=", upload.metadata.sectionId)
            .executeTakeFirst();
          if (section && app.clock.now() >= section.deadline_at)
            throw new AppError("BID_AFTER_DEADLINE", { deadline: formatShanghai(section.deadline_at) });
        }
      } catch (e) {
        throw tusError(e, langOf(req));
      }
    },
    async onUploadFinish(req, upload) {
      const file = path.join(directory, upload.id);
      try {
        const actor = await authenticate(app, req);
        const { receipt, receiptJws } = await submitBid(app, {
          actor,
          sectionId: upload.metadata!.sectionId!,
          envelopePath: file,
          packageDigest: upload.metadata!.packageDigest!,
          security: securityOf(upload.metadata),
          meta: metaOf(req),
        });
        return {
          status_code: 200,
          headers: { "Content-Type": "application/json", "Bidhall-Receipt-No": receipt.receiptNo },
          body: JSON.stringify({ receipt, receiptJws }),
        };
      } catch (e) {
        if (e instanceof StorageUnavailableError) {
          app.log.error("a finished upload could not be stored", { uploadId: upload.id, error: e.message });
          throw tusError(new AppError("STORAGE_UNAVAILABLE"), langOf(req));
        }
        throw tusError(e, langOf(req));
      } finally {
        // The envelope now lives in storage (or was refused): the upload file is not kept.
        await fs.rm(file, { force: true });
        await fs.rm(`${file}.json`, { force: true });
      }
    },
    /** tus's own refusals keep their status in our words where we have them; anything unexpected is logged, never shown. */
    onResponseError(req, err) {
      if (isAppError(err)) return tusError(err, langOf(req)) as { status_code: number; body: string };
      if (err === ERRORS.ERR_MAX_SIZE_EXCEEDED) {
        const declared = Number(req.headers.get("upload-length"));
        const tooLarge = new AppError("BID_ENVELOPE_TOO_LARGE", { size: formatBytes(declared), limit: formatBytes(MAX_ENVELOPE_BYTES) });
        return tusError(tooLarge, langOf(req)) as { status_code: number; body: string };
      }
      if (!(err instanceof Error) && typeof err.status_code === "number" && ourAnswers.has(err)) return undefined; // ours, a 5xx too (STORAGE_UNAVAILABLE)
      // tus's own refusals of the protocol keep their status, in our JSON shape (decision 50).
      if (!(err instanceof Error) && typeof err.status_code === "number" && err.status_code < 500)
        return err.body?.startsWith('{"error"') ? undefined : protocolError(err.status_code, err.body, langOf(req)); // ours already, or tus's
      app.log.error("upload failed", { error: err instanceof Error ? (err.stack ?? err.message) : JSON.stringify(err), url: req.url });
      return tusError(new AppError("INTERNAL"), langOf(req)) as { status_code: number; body: string };
    },
  };
  return new JsonRefusalServer(options);
}

/** A refusal of tus itself, with its status, as `{ error }` JSON: NOT_FOUND for an unknown upload. */
function protocolError(status: number, detail: string | undefined, lang: Lang) {
  const e =
    status === 404
      ? new AppError("NOT_FOUND", { what: "upload" })
      : new AppError("UPLOAD_PROTOCOL_ERROR", { detail: (detail ?? "").trim() });
  return { status_code: status, body: JSON.stringify({ error: { code: e.code, message: e.messageIn(lang) } }) };
}

/** Express middleware for `${UPLOAD_PATH}` and below; mount it before any body parser. */
export function uploadHandler(app: AppContext) {
  const tus = createUploadServer(app);
  return (req: ExpressRequest, res: ExpressResponse) => {
    clientAddresses.set(req, clientAddress(req));
    // tus answers a missing Tus-Resumable in plain text before any hook runs: answer it here, as JSON.
    if (req.method !== "OPTIONS" && !req.headers["tus-resumable"]) {
      const lang: Lang = String(req.headers["accept-language"] ?? "").startsWith("en") ? "en" : "zh-CN";
      const { status_code, body } = protocolError(412, "Tus-Resumable: 1.0.0 is required", lang);
      return void res.status(status_code).set("Tus-Resumable", "1.0.0").type("application/json").send(body);
    }
    void tus.handle(req, res);
  };
}
