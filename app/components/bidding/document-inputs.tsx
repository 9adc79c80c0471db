import { Link } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { PathProblem } from "#app/crypto/bid-package/formats.ts";
import { BROWSER_SEAL_LIMIT } from "#app/crypto/bid-package/seal-bid.ts";
import { documentProblem } from "./form-problems.ts";
import { formatBytes } from "./progress-bar.tsx";

export function documentsTotal(files: readonly File[]): number {
  return files.reduce((n, f) => n + f.size, 0);
}

/** Files that can be sealed as they are: none over the browser's limit, every name one the package accepts. */
export function documentsReady(files: readonly File[]): boolean {
  return documentsTotal(files) <= BROWSER_SEAL_LIMIT && files.every((f) => documentProblem(f) === null);
}

function PathProblemText({ problem }: { problem: PathProblem }) {
  const { t } = useTranslation();
  const key = problem === "backslash" || problem === "control" || problem === "tooLong" ? problem : "other";
  return <>{t(`bidding.documents.badName.${key}`)}</>;
}

/**
 * The bid documents (ARCHITECTURE.md §4: `documents/…` in the package). A file whose name the
 * package refuses is marked on its own row; a second file of the same name is not added, and the
 * page says so; an empty file is flagged (most likely the wrong file, or a cloud placeholder).
 */
export function DocumentInputs({
  files,
  onChange,
  disabled,
}: {
  files: readonly File[];
  onChange: (files: File[]) => void;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  const [skipped, setSkipped] = useState<string[]>([]);
  const total = documentsTotal(files);

  function add(list: FileList | null) {
    if (!list) return;
    const names = new Set(files.map((f) => f.name.normalize("NFC")));
    const added: File[] = [];
    const duplicates: string[] = [];
    for (const f of Array.from(list)) {
      const name = f.name.normalize("NFC");
      if (names.has(name)) duplicates.push(name);
      else {
        names.add(name);
        added.push(f);
      }
    }
    setSkipped(duplicates);
    onChange([...files, ...added]);
  }

  return (
    <section className="panel">
      <h2>{t("bidding.documents.title")}</h2>
      <p className="muted">{t("bidding.documents.hint")}</p>
      <label className="button">
        {t("bidding.documents.choose")}
        <input
          type="file"
          multiple
          hidden
          disabled={disabled}
          data-testid="documents-input"
          onChange={(e) => {
            add(e.target.files);
            e.target.value = ""; // choosing the same file again after removing it fires a change
          }}
        />
      </label>
      {skipped.length > 0 ? (
        <p className="field-error" role="status" data-testid="documents-skipped">
          {t("bidding.documents.duplicate", { names: skipped.join("、") })}
        </p>
      ) : null}
      {files.length === 0 ? (
        <p className="muted" data-testid="documents-none">
          {t("bidding.documents.none")}
        </p>
      ) : (
        <table className="table table--compact bid-table" data-testid="documents">
          <tbody>
            {files.map((f) => {
              const problem = documentProblem(f);
              return (
                <tr key={f.name} aria-invalid={problem ? true : undefined}>
                  <td className="bid-table__name" data-label={t("bidding.documents.name")}>
                    {f.name}
                    {problem ? (
                      <span className="field-error" role="alert">
                        <PathProblemText problem={problem} />
                      </span>
                    ) : f.size === 0 ? (
                      <span className="field-error">{t("bidding.documents.emptyFile")}</span>
                    ) : null}
                  </td>
                  <td className="mono nowrap" data-label={t("bidding.documents.size")}>
                    {formatBytes(f.size)}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button button--small"
                      disabled={disabled}
                      onClick={() => {
                        setSkipped([]);
                        onChange(files.filter((x) => x !== f));
                      }}
                    >
                      {t("bidding.documents.remove")}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <td colSpan={3}>{t("bidding.documents.total", { size: formatBytes(total) })}</td>
            </tr>
          </tfoot>
        </table>
      )}
      {total > BROWSER_SEAL_LIMIT ? (
        <div className="alert alert--warning" role="alert" data-testid="too-large">
          {t("bidding.documents.tooLarge", { size: formatBytes(total) })} <Link to="/api-tokens">{t("bidding.documents.offlineLink")}</Link>
        </div>
      ) : null}
    </section>
  );
}
