/**
 * Which bid security a sealing tool may offer (decision 16, decision 50): only what a bid upload
 * accepts. A section may also list `transfer` (转账, paid to the agency's account outside the
 * platform), but a bid cannot be declared with it — the upload's `securityKind` takes
 * `guarantee` or `credit-commitment` only — so the kit does not offer it. A credit commitment
 * needs the section to allow it and the bidder to hold a red grade now (DOMAIN.md §6).
 */
export type DeclarableSecurityKind = "guarantee" | "credit-commitment";

export interface SecurityOffer {
  /** The section's forms a bid can carry, in the section's words. */
  forms: ("guarantee" | "creditCommitment")[];
  /** The same, as the upload's `securityKind` values this bidder may use now. */
  kinds: DeclarableSecurityKind[];
  creditCommitmentAllowed: boolean;
}

export function securityOffer(sectionForms: readonly string[], creditCommitmentAllowed: boolean): SecurityOffer {
  const forms = (["guarantee", "creditCommitment"] as const).filter((f) => sectionForms.includes(f));
  const kinds: DeclarableSecurityKind[] = [];
  if (forms.includes("guarantee")) kinds.push("guarantee");
  if (forms.includes("creditCommitment") && creditCommitmentAllowed) kinds.push("credit-commitment");
  return { forms, kinds, creditCommitmentAllowed };
}
