import type { Fen } from "#app/domain/shared/money.ts";

/**
 * The rules of a guarantee application (decision 0057): the fee, which guarantors may be chosen,
 * what the application must cover, and which step may follow which. Pure: time comes in as `now`.
 */

export type ApplicationStatus =
  "submitted" | "approved" | "declined" | "more_documents_requested" | "fee_paid" | "issuing" | "issued" | "issue_failed";

export const APPLICATION_STATUSES: readonly ApplicationStatus[] = [
  "submitted",
  "approved",
  "declined",
  "more_documents_requested",
  "fee_paid",
  "issuing",
  "issued",
  "issue_failed",
];

/** Each step and the statuses it may start from (the guard names the current and the allowed ones). */
export const STEP_FROM = {
  approve: ["submitted"],
  decline: ["submitted", "more_documents_requested"],
  requestDocuments: ["submitted"],
  supplement: ["more_documents_requested"],
  payFee: ["approved"],
  startIssue: ["fee_paid", "issue_failed"],
  completeIssue: ["issuing"],
  failIssue: ["issuing"],
} as const satisfies Record<string, readonly ApplicationStatus[]>;
export type ApplicationStep = keyof typeof STEP_FROM;

export const STATUS_ZH: Record<ApplicationStatus, string> = {
  submitted: "已提交，待审核",
  approved: "已同意承保，待缴费",
  declined: "已拒绝",
  more_documents_requested: "需补充材料",
  fee_paid: "已缴费，待出函",
  issuing: "出函中",
  issued: "已出函",
  issue_failed: "出函失败（可重试）",
};

export class ApplicationStepError extends Error {
  constructor(
    readonly step: ApplicationStep,
    readonly current: ApplicationStatus,
    readonly expected: readonly ApplicationStatus[],
  ) {
    super(`${step} needs ${expected.join("|")}, the application is ${current}`);
  }
}

export function assertStep(step: ApplicationStep, current: ApplicationStatus): void {
  const allowed: readonly ApplicationStatus[] = STEP_FROM[step];
  if (!allowed.includes(current)) throw new ApplicationStepError(step, current, allowed);
}

/** The fee: the rate (basis points) of the amount, rounded up to the fen, never below the minimum. */
export function guaranteeFee(amountFen: Fen, feeRateBp: number, minimumFeeFen: Fen): Fen {
  if (!Number.isInteger(feeRateBp) || feeRateBp < 0 || feeRateBp > 10_000) throw new RangeError(`fee rate out of range: ${feeRateBp}`);
  const byRate = (amountFen * BigInt(feeRateBp) + 9_999n) / 10_000n;
  return byRate > minimumFeeFen ? byRate : minimumFeeFen;
}

export interface ProductScope {
  kind: "bid" | "performance";
  active: boolean;
  procurementTypes: readonly string[];
  regionCodes: readonly string[];
}

/**
 * A product serves a section when it is an active bid guarantee for the section's procurement
 * type and one of its region codes is the project's region or an enclosing one (a province's
 * "33" serves "330100").
 */
export function productServes(product: ProductScope, section: { procurementType: string; regionCode: string }): boolean {
  return (
    product.active &&
    product.kind === "bid" &&
    product.procurementTypes.includes(section.procurementType) &&
    product.regionCodes.some((r) => section.regionCode.startsWith(r))
  );
}

export interface SectionRequirement {
  securityFen: Fen;
  deadlineAt: Date;
  bidValidityDays: number;
}

/** The validity a bid guarantee must cover: from the bid deadline to the end of the bid validity period. */
export function requiredValidity(section: SectionRequirement): { from: Date; until: Date } {
  return {
    from: section.deadlineAt,
    until: new Date(section.deadlineAt.getTime() + section.bidValidityDays * 86_400_000),
  };
}

export type ApplicationRefusal =
  | { code: "GUARANTEE_AMOUNT_TOO_LOW"; params: { amount: string; required: string } }
  | { code: "GUARANTEE_VALIDITY_TOO_SHORT"; params: { from: string; until: string; requiredFrom: string; requiredUntil: string } };

/** Why these terms do not cover the section's requirement, or null when they do. */
export function applicationRefusal(
  terms: { amountFen: Fen; validFrom: Date; validUntil: Date },
  section: SectionRequirement,
): ApplicationRefusal | null {
  if (terms.amountFen < section.securityFen)
    return { code: "GUARANTEE_AMOUNT_TOO_LOW", params: { amount: String(terms.amountFen), required: String(section.securityFen) } };
  const need = requiredValidity(section);
  if (terms.validFrom > need.from || terms.validUntil < need.until)
    return {
      code: "GUARANTEE_VALIDITY_TOO_SHORT",
      params: {
        from: terms.validFrom.toISOString(),
        until: terms.validUntil.toISOString(),
        requiredFrom: need.from.toISOString(),
        requiredUntil: need.until.toISOString(),
      },
    };
  return null;
}

/** The reference a bid declares for a platform guarantee: its ledger id (0x + 64 hex). */
export const LEDGER_ID_PATTERN = /^0x[0-9a-f]{64}$/;
