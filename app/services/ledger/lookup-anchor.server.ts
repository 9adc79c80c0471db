import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { lookupAnchor, type AnchorLookup } from "#app/server/ledger/anchors.server.ts";

/**
 * Where a document's SHA-256 stands on the ledger (ARCHITECTURE.md §5): public, since a proof
 * reveals nothing but hashes. Anchored documents come with everything needed to check them
 * against DocumentAnchor.verify(root, sha256, proof) without trusting the platform.
 */
export async function lookUpAnchor(app: AppContext, sha256: string): Promise<AnchorLookup> {
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(sha256)) throw new AppError("VALIDATION_FAILED", { issues: ["sha256: 64 hexadecimal digits"] });
  return lookupAnchor(app.db, sha256);
}
