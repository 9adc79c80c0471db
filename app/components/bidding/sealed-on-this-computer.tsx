import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "#app/components/certificates/api.ts";
import { deleteSealedRecord, getSealedRecord } from "./sealed-record-store.ts";
import type { SealedRecord } from "./sealed-record.ts";
import { SealedBidSummary } from "./sealed-summary.tsx";

type Lookup =
  | { kind: "loading" }
  | { kind: "found"; record: SealedRecord }
  | { kind: "missing" }
  | { kind: "forgotten" }
  | { kind: "unavailable"; message: string };

/**
 * The receipt page's view of what was sealed, read from this browser's own record (decision 44):
 * the platform's receipt carries only digests, so the price and the other values come from the
 * computer that sealed them, matched by the package digest the platform signed. Rendered only in
 * the browser; the server never sees these values.
 */
export function SealedOnThisComputer({
  packageDigest,
  sectionId,
  bidderUscc,
}: {
  packageDigest: string;
  /** The receipt's section and bidder: a record naming others is not this bid's, whatever its key. */
  sectionId: string;
  bidderUscc: string;
}) {
  const { t } = useTranslation();
  const [lookup, setLookup] = useState<Lookup>({ kind: "loading" });
  useEffect(() => {
    let live = true;
    getSealedRecord(packageDigest).then(
      (record) => {
        const ours = record && record.section.id === sectionId && record.bidder.uscc === bidderUscc;
        if (live) setLookup(ours ? { kind: "found", record } : { kind: "missing" });
      },
      (e: unknown) => live && setLookup({ kind: "unavailable", message: errorMessage(e) }),
    );
    return () => {
      live = false;
    };
  }, [packageDigest, sectionId, bidderUscc]);

  return (
    <section className="panel" data-testid="sealed-on-this-computer" data-state={lookup.kind}>
      <h2>{t("bidding.receipt.sealed.title")}</h2>
      {lookup.kind === "loading" ? <p className="muted">{t("bidding.receipt.sealed.loading")}</p> : null}
      {lookup.kind === "missing" ? (
        <p className="muted" data-testid="sealed-missing">
          {t("bidding.receipt.sealed.missing")}
        </p>
      ) : null}
      {lookup.kind === "forgotten" ? (
        <p className="muted" role="status">
          {t("bidding.receipt.sealed.forgotten")}
        </p>
      ) : null}
      {lookup.kind === "unavailable" ? (
        <p className="muted">{t("bidding.receipt.sealed.unavailable", { message: lookup.message })}</p>
      ) : null}
      {lookup.kind === "found" ? (
        <>
          <p className="muted">{t("bidding.receipt.sealed.intro")}</p>
          <SealedBidSummary record={lookup.record} />
          <button
            type="button"
            className="button button--small"
            data-testid="forget-sealed"
            onClick={() =>
              void deleteSealedRecord(packageDigest).then(
                () => setLookup({ kind: "forgotten" }),
                (e: unknown) => setLookup({ kind: "unavailable", message: errorMessage(e) }),
              )
            }
          >
            {t("bidding.receipt.sealed.forget")}
          </button>
        </>
      ) : null}
    </section>
  );
}
