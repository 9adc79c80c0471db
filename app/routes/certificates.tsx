import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CertificateTable } from "#app/components/certificates/certificate-table.tsx";
import { EnrolPanel } from "#app/components/certificates/enrol-panel.tsx";
import { ImportBackupPanel } from "#app/components/certificates/import-backup-panel.tsx";
import { LocalCertificates } from "#app/components/certificates/local-certificates.tsx";
import { useLocalCertificates } from "#app/components/certificates/use-local-certificates.ts";
import { FormError } from "#app/components/form.tsx";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { mayHoldCertificate } from "#app/services/certificates/issue-certificate.server.ts";
import { listMyCertificates } from "#app/services/certificates/list-certificates.server.ts";
import { MEMBER_REVOCATION_REASONS, revokeCertificate } from "#app/services/certificates/revoke-certificate.server.ts";

export const meta: MetaFunction = () => [{ title: "数字证书 · bidhall" }];

const Revoke = z.object({
  intent: z.literal("revoke"),
  serial: z.string().regex(/^[0-9a-f]{2,42}$/),
  reason: z.enum(MEMBER_REVOCATION_REASONS),
});

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await requireActor(app, args.request);
    return {
      certificates: await listMyCertificates(app, actor),
      personName: actor.personName,
      mayEnrol: mayHoldCertificate(actor.membership.roles),
      approved: actor.membership.organisationStatus === "approved",
      organisationId: actor.membership.organisationId,
      isAdmin: actor.permissions.has("manage:members:own"),
    };
  });
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const actor = await requireActor(app, args.request);
    const parsed = Revoke.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new AppError("VALIDATION_FAILED");
    const { serialHex } = await revokeCertificate(app, { actor, serial: parsed.data.serial, reason: parsed.data.reason, meta });
    return { revoked: serialHex };
  });
}

export default function Certificates() {
  const { t } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const revalidator = useRevalidator();
  const local = useLocalCertificates();
  const refresh = () => {
    local.refresh();
    revalidator.revalidate();
  };
  const localSerials = local.certificates ? new Set(local.certificates.map((c) => c.serialHex)) : null;
  return (
    <div className="stack">
      <h1>{t("certificates.title")}</h1>
      <p className="muted">{t("certificates.intro")}</p>
      <FormError data={actionData} />
      {actionData && "revoked" in actionData ? (
        <div className="alert alert--success" role="status" data-testid="revoked">
          {t("certificates.revoked", { serial: actionData.revoked.toUpperCase() })}
        </div>
      ) : null}
      <section className="panel">
        <div className="panel__head">
          <h2>{t("certificates.mine")}</h2>
          {data.isAdmin ? <Link to={`/organisations/${data.organisationId}/certificates`}>{t("certificates.toOrganisation")}</Link> : null}
        </div>
        <CertificateTable rows={data.certificates} showHolder={false} local={localSerials} busy={busy} />
      </section>
      <div className="grid grid--two">
        {data.mayEnrol && data.approved ? (
          <EnrolPanel personName={data.personName} onStored={refresh} />
        ) : (
          <section className="panel">
            <h2>{t("certificates.enrol.title")}</h2>
            <p className="alert alert--warning">{t(data.mayEnrol ? "certificates.notApproved" : "certificates.noRole")}</p>
          </section>
        )}
        <ImportBackupPanel onStored={refresh} />
      </div>
      <LocalCertificates certificates={local.certificates} onChange={local.refresh} />
    </div>
  );
}
