import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { ALLOWED_STATES } from "#app/domain/complaint/handling.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { withdrawComplaint } from "#app/services/complaints/complaint-decision.server.ts";
import { listOwnComplaints } from "#app/services/complaints/read-complaints.server.ts";
import tenderingCss from "#app/styles/tendering.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: tenderingCss }];
export const meta: MetaFunction = () => [{ title: "我的投诉 · bidhall" }];

const Withdraw = z.object({ intent: z.literal("withdraw"), complaintId: z.string().uuid(), reason: z.string().trim().min(2).max(5000) });

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => ({ complaints: await listOwnComplaints(app, await requireActor(app, args.request)) }));
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const actor = await requireActor(app, args.request);
    const parsed = Withdraw.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new AppError("VALIDATION_FAILED", { issues: parsed.error.issues.map((i) => i.path.join(".")) });
    await withdrawComplaint(app, { actor, complaintId: parsed.data.complaintId, reason: parsed.data.reason, meta });
    return { withdrawn: parsed.data.complaintId };
  });
}

export default function MyComplaints() {
  const { t } = useTranslation();
  const { complaints } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <div className="stack">
      <h1>{t("complaints.complaint.mine")}</h1>
      <p>
        <Link to="/complaints/new" className="button">
          {t("complaints.complaint.newComplaint")}
        </Link>{" "}
        <Link to="/complaints/decisions">{t("complaints.nav.decisions")}</Link>
      </p>
      <FormError data={result} />
      {result && "withdrawn" in result ? (
        <div className="alert alert--success" role="status" data-testid="complaint-withdrawn">
          {t("complaints.complaint.withdrawn")}
        </div>
      ) : null}
      {complaints.length === 0 ? (
        <p className="muted">{t("complaints.complaint.none")}</p>
      ) : (
        <ul className="stack" data-testid="my-complaints">
          {complaints.map((c) => (
            <li key={c.id} className="panel stack" data-state={c.state} data-testid={`my-complaint-${c.receiptNo}`}>
              <div>
                <strong>{c.section.code}</strong> {c.section.name} · {t(`complaints.subjects.${c.subject}`)}
              </div>
              <div className="muted">
                {t("complaints.complaint.filedAt")} <ShanghaiTime at={c.filedAt} /> · {c.receiptNo} · {t("complaints.complaint.state")}：
                <strong data-testid="my-complaint-state">{t(`complaints.complaint.states.${c.state}`)}</strong>
              </div>
              <div className="muted">
                {t("complaints.complaint.regulators")}：{c.regulators.join("、")}
              </div>
              <div className="mono muted">
                {t("complaints.complaint.ledger")} {c.ledgerId}
              </div>
              <a href={`/complaints/${c.id}/receipt.pdf`}>{t("complaints.complaint.receipt")}</a>
              {/* Before the decision (投诉处理办法 19 / 94号令 30). */}
              {ALLOWED_STATES.withdraw.includes(c.state) ? (
                <details>
                  <summary>{t("complaints.complaint.withdraw")}</summary>
                  <Form method="post" className="stack-sm">
                    <CsrfInput />
                    <input type="hidden" name="complaintId" value={c.id} />
                    <p className="muted small">{t("complaints.complaint.withdrawHint")}</p>
                    <label>
                      {t("complaints.complaint.withdrawReason")}
                      <textarea name="reason" required minLength={2} maxLength={5000} rows={2} />
                    </label>
                    <button type="submit" name="intent" value="withdraw" className="button button--danger" disabled={busy}>
                      {t("complaints.complaint.withdraw")}
                    </button>
                  </Form>
                </details>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
