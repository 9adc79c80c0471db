import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { cleanFileName, EVIDENCE_LIMITS, sniffEvidenceType, SNIFF_BYTES, type EvidenceMediaType } from "#app/domain/complaint/evidence.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatBytes } from "#app/domain/shared/bytes.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { storageFor } from "#app/server/storage.server.ts";

/** An evidence file as it arrives: its name and its bytes as a stream (never read whole into memory here). */
export interface EvidenceUpload {
  name: string;
  body: Readable | ReadableStream<Uint8Array>;
}

export interface StoredEvidence {
  name: string;
  mediaType: EvidenceMediaType;
  size: number;
  sha256: string;
  storageKey: string;
}

const tooLarge = (zh: string, en: string) => new AppError("EVIDENCE_TOO_LARGE", { limitZh: zh, limitEn: en });

/**
 * Streams each file to the storage module, checking on the way: the type by its first bytes
 * (PDF, PNG, JPEG), each file's size and the total; the first breach stops the stream, and every
 * file stored so far is removed, so a refused complaint leaves nothing behind.
 */
export async function storeEvidence(app: AppContext, complaintId: string, uploads: readonly EvidenceUpload[]): Promise<StoredEvidence[]> {
  if (uploads.length > EVIDENCE_LIMITS.files)
    throw tooLarge(`最多 ${EVIDENCE_LIMITS.files} 个文件`, `at most ${EVIDENCE_LIMITS.files} files`);
  const storage = storageFor(app);
  const stored: StoredEvidence[] = [];
  let total = 0;
  try {
    for (const upload of uploads) {
      const name = cleanFileName(upload.name) ?? "evidence";
      let head = Buffer.alloc(0);
      let mediaType: EvidenceMediaType | null = null;
      let size = 0;
      const source = upload.body instanceof Readable ? upload.body : Readable.fromWeb(upload.body as WebReadableStream);
      // A generator runs only as storage reads it, so a refusal surfaces inside storage.put.
      async function* checked(): AsyncGenerator<Buffer> {
        for await (const raw of source) {
          const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as Uint8Array);
          size += chunk.length;
          total += chunk.length;
          if (size > EVIDENCE_LIMITS.fileBytes)
            throw tooLarge(
              `每个文件不超过 ${formatBytes(EVIDENCE_LIMITS.fileBytes)}（“${name}”超出）`,
              `${formatBytes(EVIDENCE_LIMITS.fileBytes)} per file (“${name}” is over)`,
            );
          if (total > EVIDENCE_LIMITS.totalBytes)
            throw tooLarge(
              `全部文件合计不超过 ${formatBytes(EVIDENCE_LIMITS.totalBytes)}`,
              `${formatBytes(EVIDENCE_LIMITS.totalBytes)} for all files`,
            );
          if (!mediaType && head.length < SNIFF_BYTES) {
            head = Buffer.concat([head, chunk]);
            if (head.length >= SNIFF_BYTES) {
              mediaType = sniffEvidenceType(head);
              if (!mediaType) throw new AppError("EVIDENCE_TYPE_REFUSED", { name });
            }
          }
          yield chunk;
        }
        if (!mediaType) mediaType = sniffEvidenceType(head);
        if (!mediaType) throw new AppError("EVIDENCE_TYPE_REFUSED", { name });
      }
      const key = `complaints/${complaintId}/evidence/${randomUUID()}`;
      const file = await storage.put(key, Readable.from(checked()));
      stored.push({ name, mediaType: mediaType!, size: file.size, sha256: file.sha256, storageKey: key });
    }
    return stored;
  } catch (e) {
    await removeEvidence(app, stored);
    throw e;
  }
}

export async function removeEvidence(app: AppContext, files: readonly { storageKey: string }[]): Promise<void> {
  const storage = storageFor(app);
  await Promise.all(files.map((f) => storage.remove(f.storageKey).catch(() => undefined)));
}
