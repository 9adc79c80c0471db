import { Link, useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormError } from "./form.tsx";

/**
 * The page shown when a form posted straight to an action-only route (logout, language) fails,
 * e.g. with an expired CSRF token: the reason, and a way back.
 */
export function ActionResult() {
  const { t } = useTranslation();
  const data = useActionData();
  return (
    <section className="panel auth-panel">
      <FormError data={data} />
      <Link to="/">{t("forbidden.back")}</Link>
    </section>
  );
}
