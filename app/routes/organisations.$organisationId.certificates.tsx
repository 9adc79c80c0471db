import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CertificateTable } from "#app/components/certificates/certificate-table.tsx";
import { FormError } from "#app/components/form.tsx";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor, requireOwnOrganisation } from "#app/server/session.server.ts";
import { listOrganisationCertificates } from "#app/services/certificates/list-certificates.server.ts";
import { MEMBER_REVOCATION_REASONS, revokeCertificate } from "#app/services/certificates/revoke-certificate.server.ts";

export const meta: MetaFunction = () => [{ title: "本单位数字证书 · bidhall" }];

const Params = z.object({ organisationId: z.string().uuid() });
const Revoke = z.object({
  intent: z.literal("revoke"),
  serial: z.string().regex(/^[0-9a-f]{2,42}$/),
  reason: z.enum(MEMBER_REVOCATION_REASONS),
});

function organisationIdOf(params: unknown): string {
  const parsed = Params.safeParse(params);
  if (!parsed.success) throw new AppError("NOT_FOUND", { what: "organisation" });
  return parsed.data.organisationId;
}

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await requireActor(app, args.request);
    return { certificates: await listOrganisationCertificates(app, actor, organisationIdOf(args.params)) };
  });
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const actor = await requireActor(app, args.request);
    requireOwnOrganisation(actor, organisationIdOf(args.params));
    const parsed = Revoke.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new AppError("VALIDATION_FAILED");
    const { serialHex } = await revokeCertificate(app, { actor, serial: parsed.data.serial, reason: parsed.data.reason, meta });
    return { revoked: serialHex };
  });
}

export default function OrganisationCertificates() {
  const { t } = useTranslation();
  const { certificates } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <div className="stack">
      <h1>{t("certificates.organisationTitle")}</h1>
      <p className="muted">{t("certificates.organisationIntro")}</p>
      <FormError data={actionData} />
      {actionData && "revoked" in actionData ? (
        <div className="alert alert--success" role="status" data-testid="revoked">
          {t("certificates.revoked", { serial: actionData.revoked.toUpperCase() })}
        </div>
      ) : null}
      <section className="panel">
        <CertificateTable rows={certificates} showHolder busy={busy} />
      </section>
    </div>
  );
}
