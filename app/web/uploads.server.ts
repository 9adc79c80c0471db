import fs from "node:fs/promises";
import path from "node:path";
import type { Request as ExpressRequest, Response as ExpressResponse } from "express";
import { FileStore } from "@tus/file-store";
import { Server, type ServerOptions } from "@tus/server";
import { z } from "zod";
import { AppError, isAppError } from "#app/domain/shared/app-error.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { requireCsrf } from "#app/server/csrf.server.ts";
import { requireApiActor, requirePermission, type Actor } from "#app/server/session.server.ts";
import { uploadsDirectory } from "#app/server/storage.server.ts";
import { submitBid, type BidSecurityDeclaration } from "#app/services/bidding/submit-bid.server.ts";

/**
 * Resumable bid uploads over tus (ARCHITECTURE.md §4 step 5), mounted on Express before any body
 * parser. The browser authenticates with its session (plus the CSRF header), the offline tool
 * with its API token. Metadata: `sectionId` and `packageDigest`. When the last byte arrives the
 * upload becomes a bid version through `submitBid`, and the response carries the receipt; an
 * upload that cannot become a bid (deadline passed, wrong recipients…) is discarded.
 */
export const UPLOAD_PATH = "/api/uploads";
/** Set by the Express mount from the socket (or the trusted proxy): tus hands hooks a web Request without it. */
export const CLIENT_IP_HEADER = "x-bidhall-client-ip";
const MAX_ENVELOPE = 20 * 1024 ** 3;

async function authenticate(app: AppContext, req: Request): Promise<Actor> {
  const actor = await requireApiActor(app, req);
  if (!req.headers.get("authorization")) await requireCsrf(app, req); // sessions are cookies: guard against cross-site requests
  requirePermission(actor, "submit:bid:own");
  return actor;
}

/** AppErrors become tus error responses in the user's language. */
function tusError(e: unknown, lang: "zh-CN" | "en") {
  if (isAppError(e)) return { status_code: e.status, body: JSON.stringify({ error: { code: e.code, message: e.messageIn(lang) } }) };
  return e;
}

/** Optional metadata `securityKind` + `securityReference`: the bid security declared beside the envelope (decision 16). */
const SecurityMetadata = z.object({
  securityKind: z.enum(["guarantee", "credit-commitment"]),
  securityReference: z.string().trim().min(1).max(200),
});

function securityOf(metadata: Record<string, string | null> | undefined): BidSecurityDeclaration | undefined {
  if (!metadata?.securityKind && !metadata?.securityReference) return undefined;
  const parsed = SecurityMetadata.safeParse(metadata);
  if (!parsed.success) throw new AppError("VALIDATION_FAILED", { field: "security" });
  return { kind: parsed.data.securityKind, reference: parsed.data.securityReference };
}

const langOf = (req: Request) => ((req.headers.get("accept-language") ?? "").startsWith("en") ? "en" : "zh-CN");

export function createUploadServer(app: AppContext): Server {
  const directory = uploadsDirectory(app);
  const datastore = new FileStore({ directory });
  const options: Partial<ServerOptions> & { path: string; datastore: FileStore } = {
    path: UPLOAD_PATH,
    datastore,
    maxSize: MAX_ENVELOPE,
    respectForwardedHeaders: app.config.mode === "production",
    async onUploadCreate(req, upload) {
      try {
        const actor = await authenticate(app, req);
        const sectionId = upload.metadata?.sectionId;
        const packageDigest = upload.metadata?.packageDigest;
        if (!sectionId || !packageDigest || !/^[0-9a-f]{64}$/.test(packageDigest))
          throw new AppError("VALIDATION_FAILED", { field: "metadata" });
        const security = securityOf(upload.metadata);
        // Refuse at once rather than after the last byte when the deadline has already passed (办法 27).
        const section = await app.db.selectFrom("sections").select("deadline_at").where("id", "=", sectionId).executeTakeFirst();
        if (!section) throw new AppError("NOT_FOUND", { what: "section" });
        if (app.clock.now() >= section.deadline_at)
          throw new AppError("BID_AFTER_DEADLINE", { deadline: formatShanghai(section.deadline_at) });
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
          meta: { ip: req.headers.get(CLIENT_IP_HEADER) ?? "unknown", userAgent: req.headers.get("user-agent") ?? "" },
        });
        return {
          status_code: 200,
          headers: { "Content-Type": "application/json", "Bidhall-Receipt-No": receipt.receiptNo },
          body: JSON.stringify({ receipt, receiptJws }),
        };
      } catch (e) {
        throw tusError(e, langOf(req));
      } finally {
        // The envelope now lives in storage (or was refused): the upload file is not kept.
        await fs.rm(file, { force: true });
        await fs.rm(`${file}.json`, { force: true });
      }
    },
  };
  return new Server(options);
}

/** Express middleware for `${UPLOAD_PATH}` and below; mount it before any body parser. */
export function uploadHandler(app: AppContext) {
  const tus = createUploadServer(app);
  return (req: ExpressRequest, res: ExpressResponse) => {
    req.headers[CLIENT_IP_HEADER] = req.ip ?? req.socket.remoteAddress ?? "unknown"; // never trust the client's own value
    void tus.handle(req, res);
  };
}
