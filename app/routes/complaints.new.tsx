import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { EVIDENCE_LIMITS } from "#app/domain/complaint/evidence.ts";
import { COMPLAINT_SUBJECTS } from "#app/domain/complaint/windows.ts";
import { startOfShanghaiDay } from "#app/domain/calendar/local-day.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { fileComplaint } from "#app/services/complaints/file-complaint.server.ts";
import { complaintFormContext } from "#app/services/complaints/read-complaints.server.ts";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: tenderingCss }];
export const meta: MetaFunction = () => [{ title: "提交投诉 · bidhall" }];

const Input = z.object({
  sectionId: z.string().uuid(),
  subject: z.enum(COMPLAINT_SUBJECTS),
  as: z.enum(["organisation", "person"]),
  idNumber: z.string().trim().max(40).optional(),
  knownAt: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()
    .or(z.literal("")),
  facts: z.string().trim().min(10).max(20000),
  request: z.string().trim().min(2).max(4000),
  legalBasis: z.string().trim().min(2).max(4000),
});

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const section = new URL(args.request.url).searchParams.get("section");
    return complaintFormContext(app, await requireActor(app, args.request), section && /^[0-9a-f-]{36}$/i.test(section) ? section : null);
  });
}

export async function action(args: ActionFunctionArgs) {
  return runAction(
    args,
    async ({ app, meta }, form) => {
      const actor = await requireActor(app, args.request);
      const input = Input.safeParse(Object.fromEntries([...form].filter(([, v]) => typeof v === "string")));
      if (!input.success) throw new AppError("VALIDATION_FAILED", { issues: input.error.issues.map((i) => i.path.join(".")) });
      const v = input.data;
      const files = form
        .getAll("files")
        .filter((f): f is File => f instanceof Blob && f.size > 0)
        .map((f) => ({ name: f.name || "evidence", body: f.stream() }));
      const filed = await fileComplaint(app, {
        actor,
        sectionId: v.sectionId,
        subject: v.subject,
        complainant: v.as === "person" ? { kind: "person", idNumber: v.idNumber ?? "" } : { kind: "organisation" },
        facts: v.facts,
        request: v.request,
        legalBasis: v.legalBasis,
        knownAt: v.knownAt ? startOfShanghaiDay(v.knownAt) : undefined,
        files,
        meta,
      });
      return { filed };
    },
    { maxBodyBytes: EVIDENCE_LIMITS.totalBytes + 1024 * 1024 },
  );
}

export default function NewComplaint() {
  const { t } = useTranslation();
  const c = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const s = c.section;
  return (
    <div className="stack">
      <h1>{t("complaints.complaint.title")}</h1>
      <p className="muted">{t("complaints.complaint.intro")}</p>
      <FormError data={result} />
      {result && "filed" in result ? (
        <div className="alert alert--success" role="status" data-testid="complaint-filed">
          {t("complaints.complaint.filed", { receiptNo: result.filed.receiptNo })}{" "}
          <a href={`/complaints/${result.filed.complaintId}/receipt.pdf`}>{t("complaints.complaint.receipt")}</a> ·{" "}
          <Link to="/complaints">{t("complaints.complaint.mine")}</Link>
        </div>
      ) : null}
      {!s ? (
        <Form method="get" className="panel stack">
          <div className="field">
            <label htmlFor="section">{t("complaints.complaint.chooseSection")}</label>
            <select id="section" name="section">
              {c.sections.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.code} {x.name}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button">
            {t("complaints.complaint.chooseSection")}
          </button>
        </Form>
      ) : (
        <Form method="post" encType="multipart/form-data" className="panel stack" data-testid="complaint-form">
          <CsrfInput />
          <input type="hidden" name="sectionId" value={s.id} />
          <p>
            <strong>{s.code}</strong> {s.projectName} · {s.name} · {t(`complaints.types.${s.procurementType}`)}
          </p>
          <fieldset className="field">
            <legend>{t("complaints.complaint.as")}</legend>
            {c.mayComplainForOrganisation ? (
              <label className="checkbox">
                <input type="radio" name="as" value="organisation" defaultChecked />
                {t("complaints.complaint.asOrganisation", { name: c.organisationName })}
              </label>
            ) : null}
            <label className="checkbox">
              <input type="radio" name="as" value="person" defaultChecked={!c.mayComplainForOrganisation} />
              {t("complaints.complaint.asPerson", { name: c.personName })}
            </label>
          </fieldset>
          <div className="field">
            <label htmlFor="idNumber">{t("complaints.complaint.idNumber")}</label>
            <input id="idNumber" name="idNumber" inputMode="text" autoComplete="off" maxLength={18} />
          </div>
          <div className="field">
            <label htmlFor="subject">{t("complaints.complaint.subject")}</label>
            <select id="subject" name="subject">
              {COMPLAINT_SUBJECTS.map((x) => (
                <option key={x} value={x}>
                  {t(`complaints.subjects.${x}`)}
                  {s.objectionFirst[x] ? `（${t("complaints.complaint.objectionFirst")}）` : ""}
                </option>
              ))}
            </select>
          </div>
          {s.objections.length > 0 ? (
            <ul className="muted">
              {s.objections.map((o) => (
                <li key={o.id}>
                  <Link to={`/objections/${o.id}`}>{t(`complaints.subjects.${o.subject}`)}</Link> · <ShanghaiTime at={o.raisedAt} /> ·{" "}
                  {o.answeredAt ? t("complaints.objection.answered") : t("complaints.objection.unanswered")}
                </li>
              ))}
            </ul>
          ) : null}
          <div className="field">
            <label htmlFor="knownAt">{t("complaints.complaint.knownAt")}</label>
            <input id="knownAt" name="knownAt" type="date" />
          </div>
          <div className="field field--wide">
            <label htmlFor="facts">{t("complaints.complaint.facts")}</label>
            <textarea id="facts" name="facts" rows={6} minLength={10} maxLength={20000} required />
          </div>
          <div className="field field--wide">
            <label htmlFor="request">{t("complaints.complaint.request")}</label>
            <textarea id="request" name="request" rows={3} maxLength={4000} required />
          </div>
          <div className="field field--wide">
            <label htmlFor="legalBasis">{t("complaints.complaint.legalBasis")}</label>
            <textarea id="legalBasis" name="legalBasis" rows={2} maxLength={4000} required />
          </div>
          <div className="field field--wide">
            <label htmlFor="files">{t("complaints.complaint.files")}</label>
            <input id="files" name="files" type="file" multiple accept="application/pdf,image/png,image/jpeg" />
          </div>
          <button type="submit" className="button button--primary">
            {t("complaints.complaint.submit")}
          </button>
        </Form>
      )}
    </div>
  );
}
