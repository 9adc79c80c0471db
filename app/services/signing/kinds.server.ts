import { complaintDecisionKind } from "#app/services/complaints/complaint-decision-kind.server.ts";
import { awardNoticeSigning } from "#app/services/evaluation/award-notice-signing.server.ts";
import { guaranteeLetterKind } from "#app/services/guarantee/guarantee-letter-kind.server.ts";
import type { SigningKind } from "./signing-kinds.server.ts";

/**
 * Every kind of document people sign in the browser (decision 55), by `kind`. One import line
 * per kind; the routes accept no other.
 */
export const SIGNING_KINDS: Record<string, SigningKind> = {
  [complaintDecisionKind.kind]: complaintDecisionKind,
  [awardNoticeSigning.kind]: awardNoticeSigning,
  [guaranteeLetterKind.kind]: guaranteeLetterKind,
};

/** Tests register a kind of their own (a plain PDF with a version they control). Never in production. */
export function registerSigningKindForTests(kind: SigningKind): () => void {
  if (process.env.BIDHALL_MODE === "production") throw new Error("registerSigningKindForTests: not in production");
  SIGNING_KINDS[kind.kind] = kind;
  return () => {
    delete SIGNING_KINDS[kind.kind];
  };
}

export function findSigningKind(kind: string): SigningKind | undefined {
  return Object.hasOwn(SIGNING_KINDS, kind) ? SIGNING_KINDS[kind] : undefined;
}
