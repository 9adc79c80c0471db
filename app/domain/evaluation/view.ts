import type { EvaluationPhase } from "./award-rules.ts";
import type { Weights } from "./evaluation-terms.ts";

/**
 * What the evaluation, award and announcement pages are given (issue 16), as plain JSON: amounts
 * are decimal strings of fen, points strings of hundredths ("58.23"), times ISO-8601. The
 * services build these (app/services/evaluation/read-*.server.ts); the components show them.
 */
export interface Words {
  zh: string;
  en: string;
}

export interface MachineRow {
  organisationId: string;
  name: string;
  priceFen: string;
  points: string | null;
  rank: number;
  abnormalLow: boolean;
  working: Words;
}

export interface EvaluationBidView {
  organisationId: string;
  name: string;
  priceFen: string | null;
  valid: boolean;
  rejectionReason: string | null;
  abnormalLow: boolean;
  pricePoints: string | null;
  technical: string | null;
  commercial: string | null;
  total: string | null;
  rank: number | null;
  working: Words | null;
}

export interface NoticeRowView {
  id: string;
  kind: "award" | "result";
  number: string;
  organisationName: string;
  sha256: string;
  tendererSignedAt: string | null;
  agencySignedAt: string | null;
  issuedAt: string | null;
  acknowledgedAt: string | null;
  nextStep: "tenderer" | "agency" | null;
  /** The step that waits is the viewer's organisation's. */
  mySignature: boolean;
}

export interface EvaluationView {
  now: string;
  phase: EvaluationPhase;
  project: { id: string; code: string; name: string; procurementType: "engineering" | "government" };
  section: { id: string; code: string; name: string; suspendedAt: string | null };
  method: string;
  comprehensive: boolean;
  weights: Weights | null;
  termsText: Words;
  viewer: {
    manager: boolean;
    tenderer: boolean;
    hasAgency: boolean;
    mayRecord: boolean;
    mayDecide: boolean;
    maySign: boolean;
    mayIssue: boolean;
  };
  bids: { organisationId: string; name: string; decrypted: boolean; priceFen: string | null }[];
  scoring: { working: Words; rows: MachineRow[] } | null;
  evaluation: {
    recordedAt: string;
    reportSha256: string;
    reportSize: string;
    publicityEndsAt: string;
    publicityLastDay: string;
    publicitySource: string;
    /** null: confidential to this viewer until the result is announced (法 44). */
    committee: string[] | null;
    unansweredObjections: number;
    bids: EvaluationBidView[];
  } | null;
  /** Why the first candidate cannot be awarded now, in words; null when nothing stops it. */
  awardBlock: Words | null;
  award: {
    winnerName: string;
    rank: number;
    reason: string | null;
    priceFen: string;
    decidedAt: string;
    announcedAt: string | null;
  } | null;
  notices: NoticeRowView[];
}

export interface PublicEvaluation {
  terms: Words;
  publicity: {
    from: string;
    endsAt: string;
    lastDay: string;
    source: string;
    /** The objection window (the publicity) is still open. */
    open: boolean;
    candidates: { rank: number; name: string; priceFen: string; total: string | null }[];
  } | null;
  award: { winnerName: string; priceFen: string; rank: number; announcedAt: string; committee: string[] } | null;
}
