import type { CreditFlagView } from "#app/domain/credit/credit.ts";
import type { Citation } from "#app/domain/tendering/legal-sources.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";
import type { AttemptFailure, DecryptionResult, DecryptionRule } from "./decryption.ts";
import type { OpeningPhase } from "./phase.ts";
import type { NextStep } from "./too-few-bids.ts";
import type { FailureGroundView } from "./failure-grounds.ts";

/** A defect recorded when a bid was decrypted (decision 35), in words with its source. */
export interface DefectView {
  code: string;
  zh: string;
  en: string;
}

/**
 * The verification of a decrypted bid's security (核验, decision 0060) in words, with what the
 * ledger knows it by and — revealed now that the deadline has passed — the salt and commitments
 * the tenderer and the bidder can recompute (decision 0059).
 */
export interface SecurityVerificationView {
  outcome: "verified" | "failed";
  zh: string;
  en: string;
  codes: string[];
  ledgerId: string | null;
  commitments: { salt: string; applicantRef: string; subjectRef: string; beneficiaryRef: string } | null;
}

/**
 * The opening hall's read model as one viewer may see it (built by app/services/opening/read-opening.server.ts,
 * shown by app/components/opening): JSON-ready, times as ISO strings, money as fen strings.
 */
export interface ReadingOutRowView {
  order: number;
  bidderName: string;
  bidderUscc: string;
  result: DecryptionResult;
  rule: DecryptionRule;
  decidedAt: string;
  price: { fen: string; figures: string; capitals: string } | null;
  fields: { key: string; label: string; display: string | null }[];
}

/**
 * `tenderer`: the project's tenderer where an agency hosts: the host's read view without its
 * controls (issue 13).
 */
export type OpeningViewer = "host" | "tenderer" | "regulator" | "bidder" | "public";

/** A person the opening record names (decision 46). */
export interface OfficialPersonView {
  personId: string;
  name: string;
  organisationName: string;
}

/** What one viewer may see of an opening at the server's `now` (JSON-ready: times ISO, money fen strings). */
export interface OpeningView {
  openingId: string;
  viewer: OpeningViewer;
  project: { code: string; name: string };
  section: { id: string; code: string; name: string; remedyAllowed: boolean; minimumBids: number; procurementType: ProcurementType };
  now: string;
  phase: OpeningPhase;
  /** Where a suspended opening resumes to. */
  phaseUnderSuspension: Exclude<OpeningPhase, "suspended">;
  /** The regulator's banner, on every screen while it stands. */
  suspension: { suspendedAt: string; reason: string } | null;
  /** Decision 74: unanswered objections (GP: challenges) to the documents hold the opening until answered (条例 22). */
  objectionStop: {
    count: number;
    answerDueAt: string;
    word: { zh: string; en: string };
    source: { zh: string; en: string };
  } | null;
  /**
   * 流标, with the rule for the section's procurement type (`source`) and the tenderer's next steps
   * under `nextStepSource` (decision 33).
   */
  failure: {
    at: string;
    kind: "tooFewBids" | "declared";
    reason: string | null;
    source: Citation;
    nextSteps: NextStep[];
    nextStepSource: Citation;
    /** A declared failure's legal ground (decision 39); `source` is then the ground's. */
    ground?: { id: string; zh: string; en: string } | null;
  } | null;
  /** The host only, while it may declare a failure: the grounds it may choose now (decision 39). */
  failureGrounds?: FailureGroundView[] | null;
  deadlineAt: string;
  signInOpensAt: string;
  validBidsAtDeadline: number | null;
  /** When the host published the list of bidders (null: not yet). */
  bidderListPublishedAt: string | null;
  window: { openedAt: string; endsAt: string | null; remainingMs: number; ended: boolean; stoppedBy: "pause" | "suspension" | null } | null;
  pauses: { pausedAt: string; resumedAt: string | null; reason: string }[];
  extensions: { at: string; minutes: number; reason: string }[];
  confirmation: { endsAt: string | null; remainingMs: number | null } | null;
  /** Host and regulator: everyone; a bidder: its own members; the public: nobody. */
  signIns: { organisationName: string; personName: string; signedInAt: string }[];
  /** After the host published the list. */
  bidders:
    | {
        organisationId: string;
        name: string;
        uscc: string;
        decided: boolean;
        result: DecryptionResult | null;
        rule: DecryptionRule | null;
        decidedAt: string | null;
        /** Host and regulator only (null for others): blue or black grades and bans in force (decision 34). */
        credit: CreditFlagView[] | null;
        /** Host and regulator only (null for others): defects recorded at decryption (decision 35). */
        defects: DefectView[] | null;
        /** Host and regulator only (null for others): the security's verification (decision 0060). */
        security: SecurityVerificationView | null;
      }[]
    | null;
  /** The viewer's own bid (a bidder only). */
  ownBid: {
    decided: boolean;
    result: DecryptionResult | null;
    rule: DecryptionRule | null;
    lastFailure: AttemptFailure | null;
    signedIn: boolean;
    /** Whether this person (not only someone of its organisation) has signed in: decrypting and the remedy need it. */
    personSignedIn: boolean;
    /** Defects recorded when the bid was decrypted: the bidder learns of them at once. */
    defects: DefectView[];
    /** The own security's verification, with its salt and commitments (decision 0059). */
    security: SecurityVerificationView | null;
  } | null;
  /** Only once published: before it, no price or field of any bid appears anywhere in this view. */
  readingOut: { publishedAt: string; recordSha256: string; rows: ReadingOutRowView[] } | null;
  reclassifications: { organisationName: string; from: string; to: string; reason: string; at: string }[];
  objections: { id: string; organisationName: string; text: string; raisedAt: string; answer: string | null; answeredAt: string | null }[];
  /** `organisationName` null: another bidder's message before the list of bidders is published. */
  messages: {
    id: string;
    organisationName: string | null;
    sentAt: string;
    hidden: boolean;
    text: string | null;
    hiddenReason: string | null;
  }[];
  confirmations: { organisationName: string; decision: "confirm" | "object"; signedAt: string }[];
  openingRecord: { sha256: string } | null;
  /** Host, tenderer and regulator: 开标人, 记录人, 监标人 as the record will name them (decision 46). */
  officials: {
    host: OfficialPersonView | null;
    recorder: (OfficialPersonView & { chosen: boolean }) | null;
    supervisor: (OfficialPersonView & { chosen: boolean }) | null;
  } | null;
  /** The host only, while it may still choose: who may be named recorder and supervisor. */
  officialCandidates: { recorder: OfficialPersonView[]; supervisor: OfficialPersonView[] } | null;
}
