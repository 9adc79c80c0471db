import type { SecurityVerificationView } from "#app/domain/opening/view.ts";

/**
 * The verification (核验) of a bid's security in the hall (decision 0060): 已核验 or the reasons it
 * failed, and — to the parties — the ledger id, salt and commitments anyone can recompute
 * (decision 0059).
 */
export function SecurityVerification({ v, text }: { v: SecurityVerificationView; text: (c: { zh: string; en: string }) => string }) {
  return (
    <div data-testid="security-verification" data-outcome={v.outcome} data-codes={v.codes.join(" ")}>
      <p className={`badge ${v.outcome === "verified" ? "badge--approved" : "badge--rejected"}`}>{text(v)}</p>
      {v.commitments ? (
        <details>
          <summary>{text({ zh: "链上承诺值（盐值已公开）", en: "Ledger commitments (salt revealed)" })}</summary>
          <dl className="mono small">
            <dt>{text({ zh: "保函链上编号", en: "Ledger id" })}</dt>
            <dd>{v.ledgerId}</dd>
            <dt>{text({ zh: "盐值", en: "Salt" })}</dt>
            <dd>{v.commitments.salt}</dd>
            <dt>{text({ zh: "投标人承诺值", en: "Applicant commitment" })}</dt>
            <dd>{v.commitments.applicantRef}</dd>
            <dt>{text({ zh: "标段承诺值", en: "Section commitment" })}</dt>
            <dd>{v.commitments.subjectRef}</dd>
            <dt>{text({ zh: "受益人承诺值", en: "Beneficiary commitment" })}</dt>
            <dd>{v.commitments.beneficiaryRef}</dd>
          </dl>
        </details>
      ) : null}
    </div>
  );
}
