/**
 * Why GuaranteeLedger refused a write, as a person reads it. The stored reason (a guarantee's
 * `issue_error`, a claim's `error`) keeps the ledger's whole message for the operator and the
 * audit — "LEDGER_REVERTED: … (GuaranteeLedger.issue: GuaranteeLedgerInvalidValidity …)" — which
 * no guarantor or bidder should have to read: pages show the sentence for the contract's custom
 * error (app/i18n/areas/ledger.ts `refusal`), or a general one for an error this list lacks.
 */
export const LEDGER_REFUSALS = [
  "GuaranteeLedgerNonexistentGuarantee",
  "GuaranteeLedgerDuplicateGuarantee",
  "GuaranteeLedgerInvalidAmount",
  "GuaranteeLedgerInvalidValidity",
  "GuaranteeLedgerInvalidBeneficiaryAccount",
  "GuaranteeLedgerInvalidBinding",
  "GuaranteeLedgerUnexpectedState",
  "GuaranteeLedgerUnauthorizedAccount",
  "GuaranteeLedgerPendingClaims",
  "GuaranteeLedgerOutsideClaimWindow",
  "GuaranteeLedgerExcessiveClaim",
  "GuaranteeLedgerNonexistentClaim",
  "GuaranteeLedgerClaimNotPending",
] as const;

/** The i18n key of the sentence for a stored refusal. */
export function ledgerRefusalKey(stored: string): `ledger.refusal.${(typeof LEDGER_REFUSALS)[number] | "other"}` {
  const name = /GuaranteeLedger[A-Za-z]+/.exec(stored)?.[0];
  const known = LEDGER_REFUSALS.find((r) => r === name);
  return `ledger.refusal.${known ?? "other"}`;
}
