import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { formatYuan } from "#app/domain/shared/money.ts";

/** An issued guarantee the bidder may declare (the sealing kit's `guarantees`). */
export interface DeclarableGuarantee {
  id: string;
  ledgerId: string;
  guarantorName: string;
  amountFen: string;
  validUntil: string;
}

/**
 * On the sealing page, under the bid security (issue 14, decision 0072): the organisation's
 * issued guarantees for this section, one of which becomes the declared security — its ledger id
 * goes into bid.json's `security.reference` and beside the envelope — and the way to apply for
 * one or follow an application.
 */
export function GuaranteeChoice({
  guarantees,
  reference,
  onReference,
  disabled,
  sectionId,
}: {
  guarantees: DeclarableGuarantee[];
  reference: string;
  onReference: (r: string) => void;
  disabled: boolean;
  sectionId: string;
}) {
  const { t, i18n } = useTranslation();
  const chosen = guarantees.find((g) => g.ledgerId === reference.trim().toLowerCase());
  return (
    <div className="guarantee-choice" data-testid="guarantee-choice">
      {guarantees.length > 0 ? (
        <fieldset className="guarantor-choice" disabled={disabled}>
          <legend>{t("guaranteeBidder.panel.choose")}</legend>
          {guarantees.map((g) => (
            <label key={g.id} className="guarantee-choice__option" data-testid="declarable-guarantee">
              <input
                type="radio"
                name="declared-guarantee"
                value={g.ledgerId}
                checked={chosen?.id === g.id}
                onChange={() => onReference(g.ledgerId)}
              />
              <span>
                <strong>{g.guarantorName}</strong> ·{" "}
                {i18n.language === "en" ? `CNY ${formatYuan(BigInt(g.amountFen))}` : `${formatYuan(BigInt(g.amountFen))} 元`} ·{" "}
                <ShanghaiTime at={g.validUntil} />
                <br />
                <span className="mono muted">{g.ledgerId}</span>
              </span>
            </label>
          ))}
          <label className="guarantee-choice__option">
            <input type="radio" name="declared-guarantee" value="" checked={!chosen} onChange={() => onReference("")} />
            <span>{t("guaranteeBidder.panel.manual")}</span>
          </label>
        </fieldset>
      ) : null}
      {chosen ? (
        <p className="muted" data-testid="guarantee-chosen">
          {t("guaranteeBidder.panel.declared")}
        </p>
      ) : null}
      <p>
        <Link to={`/sections/${sectionId}/guarantee`} data-testid="guarantee-apply-link">
          {guarantees.length > 0 ? t("guaranteeBidder.panel.manage") : t("guaranteeBidder.panel.apply")}
        </Link>
      </p>
    </div>
  );
}
