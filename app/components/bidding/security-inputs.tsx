import { useTranslation } from "react-i18next";
import { formatYuan } from "#app/domain/shared/money.ts";
import { SECURITY_REFERENCE_MAX, securityProblem, type SecurityProblem } from "./form-problems.ts";
import { GuaranteeChoice, type DeclarableGuarantee } from "#app/components/guarantee-bidder/guarantee-choice.tsx";
import { FieldError } from "./opening-form-inputs.tsx";

export type SecurityKind = "guarantee" | "credit-commitment";

export interface SecurityTerms {
  amountFen: string;
  forms: string[];
  creditCommitmentAllowed: boolean;
}

/** The forms this bidder may offer here: a guarantee, and a credit commitment only where allowed (decision 16). */
export function securityKindsOf(terms: SecurityTerms): SecurityKind[] {
  const kinds: SecurityKind[] = [];
  if (terms.forms.includes("guarantee") || !terms.forms.includes("creditCommitment")) kinds.push("guarantee");
  if (terms.creditCommitmentAllowed) kinds.push("credit-commitment");
  return kinds;
}

export function useSecurityProblemText(): (p: SecurityProblem) => string {
  const { t } = useTranslation();
  return (p) =>
    p.kind === "required"
      ? t(p.security === "guarantee" ? "bidding.security.missingGuarantee" : "bidding.security.missingCommitment")
      : p.kind === "tooLong"
        ? t("bidding.form.problems.tooLong", { max: p.max, length: p.length })
        : t("bidding.form.problems.control");
}

/** The bid security declared inside the envelope and beside it (decision 16): its form and its number. */
export function SecurityInputs({
  terms,
  kind,
  reference,
  onKind,
  onReference,
  showProblems,
  disabled,
  guarantees = [],
  sectionId,
}: {
  terms: SecurityTerms;
  /** The organisation's issued guarantees for this section (decision 0072): choosing one declares its ledger id. */
  guarantees?: DeclarableGuarantee[];
  sectionId?: string;
  kind: SecurityKind;
  reference: string;
  onKind: (k: SecurityKind) => void;
  onReference: (r: string) => void;
  showProblems: boolean;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  const problemText = useSecurityProblemText();
  const problem = showProblems ? securityProblem(kind, reference) : null;
  return (
    <section className="panel">
      <h2>{t("bidding.security.title")}</h2>
      <p className="muted">
        {terms.amountFen === "0"
          ? t("bidding.security.none")
          : t("bidding.security.amount", { amount: formatYuan(BigInt(terms.amountFen)) })}
      </p>
      {kind === "guarantee" && sectionId ? (
        <GuaranteeChoice
          guarantees={guarantees}
          reference={reference}
          onReference={onReference}
          disabled={disabled}
          sectionId={sectionId}
        />
      ) : null}
      <div className="inline-fields">
        <label>
          {t("bidding.security.kind")}
          <select value={kind} disabled={disabled} onChange={(e) => onKind(e.target.value as SecurityKind)}>
            {securityKindsOf(terms).map((k) => (
              <option key={k} value={k}>
                {t(k === "guarantee" ? "bidding.security.guarantee" : "bidding.security.creditCommitment")}
              </option>
            ))}
          </select>
        </label>
        <div className="security-reference">
          <label htmlFor="security-reference">{t("bidding.security.reference")}</label>
          <input
            id="security-reference"
            value={reference}
            maxLength={SECURITY_REFERENCE_MAX + 20}
            disabled={disabled}
            autoComplete="off"
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? "security-reference-error" : undefined}
            onChange={(e) => onReference(e.target.value)}
          />
          {problem ? <FieldError id="security-reference-error">{problemText(problem)}</FieldError> : null}
        </div>
      </div>
      {terms.forms.includes("creditCommitment") && !terms.creditCommitmentAllowed ? (
        <p className="muted">{t("bidding.security.creditNotAllowed")}</p>
      ) : null}
    </section>
  );
}
