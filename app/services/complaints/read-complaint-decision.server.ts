import { Readable } from "node:stream";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import { storageFor } from "#app/server/storage.server.ts";
import { isRoutedRegulator, loadComplaint, partiesOf } from "./handling-context.server.ts";

/**
 * The signed decision (投诉处理决定书) for those it was served on: the routed regulators, the
 * complainant and the respondents. It names the parties, so it is not public as it stands: the
 * public reads the redacted decision in the public list and checks any copy against its anchor
 * (GET /api/anchors/:sha256, POST /api/documents/verify), which need no access at all.
 */
export async function readComplaintDecisionFile(
  app: AppContext,
  actor: Actor | null,
  complaintId: string,
): Promise<{ body: ReadableStream<Uint8Array>; filename: string; sha256: string }> {
  const loaded = await loadComplaint(app.db, complaintId);
  const c = loaded.complaint;
  const { complainantOrganisationId, respondents } = partiesOf(loaded);
  const org = actor?.membership.organisationId;
  const allowed =
    !!actor &&
    (isRoutedRegulator(actor, loaded) ||
      c.complainant_person_id === actor.personId ||
      (!!org && (org === complainantOrganisationId || respondents.includes(org))));
  if (!allowed || !c.decision_key || !c.decision_sha256) throw new AppError("NOT_FOUND", { what: "complaint" });
  const stream = await storageFor(app).get(c.decision_key);
  return {
    body: Readable.toWeb(stream as Readable) as ReadableStream<Uint8Array>,
    filename: `投诉处理决定书-${c.receipt_no}.pdf`,
    sha256: c.decision_sha256,
  };
}
