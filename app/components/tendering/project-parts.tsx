import { useTranslation } from "react-i18next";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { SectionPeriods, type PeriodView } from "#app/components/tendering/section-periods.tsx";

/**
 * The parts of a project page shared by the public page (/announcements/:id) and the agency's
 * page (/projects/:id). The data comes from services/tendering/read-project (which decides who
 * sees what); these only render it.
 */
type When = string | Date;

export interface ProjectHead {
  project: {
    code: string;
    name: string;
    description: string;
    tenderer: string | null;
    agency: string | null;
    regionName: string;
    procurementType: string;
    mandatoryTendering: boolean;
  };
  announcement: { title: string; body: string; version: number; published_at: When } | null;
}

export interface SectionView {
  estimateYuan: string;
  bidSecurityYuan: string;
  securityForms: string[];
  evaluationMethod: string;
  saleFrom: When;
  saleUntil: When;
  bidValidityDays: number;
  minimumBids: number;
  signInLeadMinutes: number;
  decryptionWindowMinutes: number;
  confirmationPeriodMinutes: number;
  remedyAllowed: boolean;
  openingForm: { label: string }[];
  /** The statutory periods stored at publication (decision 0030), provisional ones marked. */
  periods?: PeriodView[];
}

export interface DocumentView {
  id: string;
  version: number;
  title: string;
  filename: string;
  sha256: string;
  size: number;
  issuedAt: When | null;
  canDownload: boolean;
  downloadedBy: number | null;
}

export interface ClarificationView {
  id: string;
  sequence: number;
  sectionCode: string;
  title: string;
  body: string;
  affectsPreparation: boolean;
  issuedAt: When;
  oldDeadlineAt: When;
  newDeadlineAt: When | null;
  documentVersion: number | null;
}

export interface RegistrationView {
  id: string;
  sectionCode: string;
  organisation: string;
  uscc: string;
  registeredAt: When;
  creditGrade: string | null;
  /** Blue or black grades and bans in force now (decision 34), in both languages. */
  creditFlags: { kind: string; grade: string | null; bars: boolean; zh: string; en: string }[];
}

export function ProjectFacts({ view: v }: { view: ProjectHead }) {
  const { t } = useTranslation();
  return (
    <section className="panel">
      <dl className="facts-grid">
        <div>
          <dt>{t("tendering.list.code")}</dt>
          <dd className="mono">{v.project.code}</dd>
        </div>
        <div className="facts-grid__wide">
          <dt>{t("tendering.project.tenderer")}</dt>
          <dd>{v.project.tenderer}</dd>
        </div>
        <div className="facts-grid__wide">
          <dt>{t("tendering.project.agency")}</dt>
          <dd>{v.project.agency ?? t("tendering.project.selfTendering")}</dd>
        </div>
        <div>
          <dt>{t("tendering.project.region")}</dt>
          <dd>{v.project.regionName}</dd>
        </div>
        <div>
          <dt>{t("tendering.project.type")}</dt>
          <dd>{t(`tendering.types.${v.project.procurementType}`)}</dd>
        </div>
        <div>
          <dt>{t("tendering.project.mandatory")}</dt>
          <dd>{t(v.project.mandatoryTendering ? "tendering.project.yes" : "tendering.project.no")}</dd>
        </div>
      </dl>
      {v.announcement ? (
        <>
          <p className="muted">
            {t("tendering.project.announcement")} · {t("tendering.project.version", { version: v.announcement.version })} ·{" "}
            <ShanghaiTime at={v.announcement.published_at} />
          </p>
          <p className="announcement-body">{v.announcement.body}</p>
        </>
      ) : (
        <p className="announcement-body">{v.project.description}</p>
      )}
    </section>
  );
}

export function SectionFacts({ section: s, procurementType }: { section: SectionView; procurementType?: string }) {
  const { t } = useTranslation();
  return (
    <dl className="facts-grid">
      <div>
        <dt>{t("tendering.project.estimate")}</dt>
        <dd className="mono">{s.estimateYuan}</dd>
      </div>
      <div>
        <dt>{t("tendering.project.security")}</dt>
        <dd className="mono">{s.bidSecurityYuan}</dd>
      </div>
      <div>
        <dt>{t("tendering.project.securityForms")}</dt>
        <dd>{s.securityForms.map((f) => t(`tendering.securityForms.${f}`)).join("、")}</dd>
      </div>
      <div>
        <dt>{t("tendering.project.method")}</dt>
        <dd>{t(`tendering.methods.${s.evaluationMethod}`)}</dd>
      </div>
      <div className="facts-grid__wide">
        <dt>{t("tendering.project.sale")}</dt>
        <dd>
          <ShanghaiTime at={s.saleFrom} /> – <ShanghaiTime at={s.saleUntil} />
        </dd>
      </div>
      {s.periods && procurementType ? <SectionPeriods periods={s.periods} procurementType={procurementType} /> : null}
      <div>
        <dt>{t("tendering.project.validity")}</dt>
        <dd>{t("tendering.project.validityDays", { count: s.bidValidityDays })}</dd>
      </div>
      <div>
        <dt>{t("tendering.project.minimumBids")}</dt>
        <dd>{s.minimumBids}</dd>
      </div>
      <div>
        <dt>{t("tendering.project.signIn")}</dt>
        <dd>{t("tendering.project.minutes", { count: s.signInLeadMinutes })}</dd>
      </div>
      <div>
        <dt>{t("tendering.project.decryption")}</dt>
        <dd>{t("tendering.project.minutes", { count: s.decryptionWindowMinutes })}</dd>
      </div>
      <div>
        <dt>{t("tendering.project.confirmation")}</dt>
        <dd>{t("tendering.project.minutes", { count: s.confirmationPeriodMinutes })}</dd>
      </div>
      <div>
        <dt>{t("tendering.project.remedy")}</dt>
        <dd>{t(s.remedyAllowed ? "tendering.project.yes" : "tendering.project.no")}</dd>
      </div>
      <div className="facts-grid__wide">
        <dt>{t("tendering.project.openingForm")}</dt>
        <dd>{s.openingForm.map((f) => f.label).join("、")}</dd>
      </div>
    </dl>
  );
}

export function Documents({ view: v }: { view: { documents: DocumentView[]; project: { id: string } } }) {
  const { t } = useTranslation();
  const showCount = v.documents.some((d) => d.downloadedBy !== null);
  return (
    <section className="panel">
      <h2>{t("tendering.project.documents")}</h2>
      <p className="muted">{t("tendering.project.downloadHint")}</p>
      <table className="table" data-testid="documents">
        <thead>
          <tr>
            <th>{t("tendering.project.docVersion")}</th>
            <th>{t("tendering.project.docTitle")}</th>
            <th>{t("tendering.project.sha256")}</th>
            <th>{t("tendering.project.docSize")}</th>
            <th>{t("tendering.project.docIssued")}</th>
            {showCount ? <th>{t("tendering.project.downloadedBy")}</th> : null}
            <th />
          </tr>
        </thead>
        <tbody>
          {v.documents.map((d) => (
            <tr key={d.id} data-testid={`document-v${d.version}`}>
              <td className="nowrap">v{d.version}</td>
              <td>
                {d.title}
                <div className="muted">{d.filename}</div>
              </td>
              <td className="hash" data-testid="sha256">
                {d.sha256}
              </td>
              <td className="nowrap">{(d.size / 1024).toFixed(1)} KB</td>
              <td className="nowrap">
                {d.issuedAt ? <ShanghaiTime at={d.issuedAt} /> : <span className="muted">{t("tendering.project.notIssued")}</span>}
              </td>
              {showCount ? <td>{d.downloadedBy}</td> : null}
              <td>
                {d.canDownload ? (
                  <a className="button button--small" href={`/announcements/${v.project.id}/documents/${d.id}`} download>
                    {t("tendering.project.download")}
                  </a>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function Clarifications({ view: v }: { view: { clarifications: ClarificationView[] } }) {
  const { t } = useTranslation();
  return (
    <section className="panel" data-testid="clarifications">
      <h2>{t("tendering.project.clarifications")}</h2>
      {v.clarifications.length === 0 ? <p className="muted">{t("tendering.project.noClarifications")}</p> : null}
      {v.clarifications.map((c) => (
        <div key={c.id} className="clarification" data-testid={`clarification-${c.sequence}`}>
          <h4>
            {c.sequence}. {c.title} <span className="mono muted">{c.sectionCode}</span>
          </h4>
          <p className="muted">
            <ShanghaiTime at={c.issuedAt} />
            {c.affectsPreparation ? ` · ${t("tendering.project.affects")}` : ""}
            {c.documentVersion ? ` · ${t("tendering.project.withDocument", { version: c.documentVersion })}` : ""}
          </p>
          {c.newDeadlineAt ? (
            <p className="alert alert--warning" data-testid="deadline-moved">
              {t("tendering.project.deadlineMoved", { from: shanghai(c.oldDeadlineAt), to: shanghai(c.newDeadlineAt) })}
            </p>
          ) : null}
          <p className="announcement-body">{c.body}</p>
        </div>
      ))}
    </section>
  );
}

export function Registrations({ view: v }: { view: { registrations: RegistrationView[] | null } }) {
  const { t, i18n } = useTranslation();
  const text = (c: { zh: string; en: string }) => (i18n.language === "en" ? c.en : c.zh);
  return (
    <section className="panel" data-testid="registrations">
      <h2>{t("tendering.project.registrations")}</h2>
      <p className="muted">{t("tendering.project.confidential")}</p>
      {v.registrations?.length ? (
        <table className="table table--compact">
          <thead>
            <tr>
              <th>{t("tendering.project.sectionCode")}</th>
              <th>{t("tendering.project.organisation")}</th>
              <th>{t("tendering.project.uscc")}</th>
              <th>{t("tendering.project.grade")}</th>
              <th>{t("tendering.project.registeredAt")}</th>
            </tr>
          </thead>
          <tbody>
            {v.registrations.map((r) => (
              <tr key={r.id}>
                <td className="mono">{r.sectionCode}</td>
                <td>{r.organisation}</td>
                <td className="mono">{r.uscc}</td>
                <td data-testid={`registration-credit-${r.uscc}`}>
                  {r.creditGrade ? <span className={`grade grade--${r.creditGrade}`}>{t(`tendering.grades.${r.creditGrade}`)}</span> : "—"}
                  {r.creditFlags.map((f) => (
                    <div key={f.zh} className={`alert ${f.bars ? "alert--error" : "alert--warning"}`} data-flag={f.grade ?? "ban"}>
                      {text(f)}
                    </div>
                  ))}
                </td>
                <td>
                  <ShanghaiTime at={r.registeredAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">{t("tendering.project.noRegistrations")}</p>
      )}
    </section>
  );
}

const shanghai = (d: When) =>
  new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", dateStyle: "short", timeStyle: "short", hour12: false }).format(
    new Date(d),
  );
