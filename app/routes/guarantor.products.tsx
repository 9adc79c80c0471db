import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormError } from "#app/components/form.tsx";
import { GuarantorTabs, StatusBadge, Yuan } from "#app/components/guarantee/guarantor-tabs.tsx";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatYuan, validateYuan } from "#app/domain/shared/money.ts";
import { runAction, runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import {
  createGuaranteeProduct,
  listOwnGuaranteeProducts,
  ProductInput,
  updateGuaranteeProduct,
} from "#app/services/guarantee/guarantee-products.server.ts";
import guaranteesCss from "#app/styles/guarantees.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: guaranteesCss }];
export const meta: MetaFunction = () => [{ title: "保函产品 · bidhall" }];

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const actor = await requireActor(app, args.request);
    return { products: await listOwnGuaranteeProducts(app, actor), canManage: actor.permissions.has("manage:guarantee-product:own") };
  });
}

/** The form in yuan and a comma-separated region list, read into the product service's input (fen, arrays). */
function productInput(form: FormData): ProductInput {
  const minimum = validateYuan(String(form.get("minimumFeeYuan") ?? ""));
  if (!minimum.ok) throw new AppError("VALIDATION_FAILED", { issues: ["minimumFeeYuan"] });
  const parsed = ProductInput.safeParse({
    name: form.get("name"),
    kind: form.get("kind"),
    feeRateBp: form.get("feeRateBp"),
    minimumFeeFen: String(minimum.value),
    procurementTypes: form.getAll("procurementTypes"),
    regionCodes: String(form.get("regionCodes") ?? "")
      .split(/[,，\s]+/)
      .filter(Boolean),
    active: form.get("active") === "on",
  });
  if (!parsed.success) throw new AppError("VALIDATION_FAILED", { issues: parsed.error.issues.map((i) => String(i.path[0])) });
  return parsed.data;
}

export async function action(args: ActionFunctionArgs) {
  return runAction(args, async ({ app, meta }, form) => {
    const actor = await requireActor(app, args.request);
    const input = productInput(form);
    const productId = z.string().uuid().safeParse(form.get("productId"));
    if (productId.success) await updateGuaranteeProduct(app, { actor, productId: productId.data, input, meta });
    else await createGuaranteeProduct(app, { actor, input, meta });
    return { saved: true };
  });
}

type Product = Awaited<ReturnType<typeof listOwnGuaranteeProducts>>[number];

function ProductForm({ product, busy }: { product?: Product; busy: boolean }) {
  const { t } = useTranslation();
  const id = product?.id ?? "new";
  return (
    <Form method="post" className="gform" data-testid={product ? "product-edit" : "product-create"}>
      <CsrfInput />
      {product ? <input type="hidden" name="productId" value={product.id} /> : null}
      <label>
        {t("guarantorPortal.products.name")}
        <input type="text" name="name" required maxLength={100} defaultValue={product?.name ?? ""} />
      </label>
      <label>
        {t("guarantorPortal.products.kind")}
        <select name="kind" defaultValue={product?.kind ?? "bid"}>
          <option value="bid">{t("guarantorPortal.products.kinds.bid")}</option>
          <option value="performance">{t("guarantorPortal.products.kinds.performance")}</option>
        </select>
      </label>
      <label>
        {t("guarantorPortal.products.feeRate")}
        <input type="number" name="feeRateBp" required min={0} max={10000} step={1} defaultValue={product?.feeRateBp ?? 50} />
        <small className="hint">{t("guarantorPortal.products.feeRateHint")}</small>
      </label>
      <label>
        {t("guarantorPortal.products.minimumFee")}
        <input
          type="text"
          inputMode="decimal"
          name="minimumFeeYuan"
          required
          defaultValue={product ? formatYuan(BigInt(product.minimumFeeFen)).replaceAll(",", "") : "200.00"}
        />
      </label>
      <fieldset className="checks">
        <legend>{t("guarantorPortal.products.procurementTypes")}</legend>
        {(["engineering", "government"] as const).map((type) => (
          <label key={type}>
            <input
              type="checkbox"
              name="procurementTypes"
              value={type}
              defaultChecked={product ? product.procurementTypes.includes(type) : true}
            />{" "}
            {t(`guarantorPortal.products.types.${type}`)}
          </label>
        ))}
      </fieldset>
      <label>
        {t("guarantorPortal.products.regions")}
        <input type="text" name="regionCodes" required defaultValue={product?.regionCodes.join(", ") ?? "35"} id={`regions-${id}`} />
        <small className="hint">{t("guarantorPortal.products.regionsHint")}</small>
      </label>
      <label>
        <input type="checkbox" name="active" defaultChecked={product?.active ?? true} /> {t("guarantorPortal.products.active")}
      </label>
      <button type="submit" className="button" disabled={busy}>
        {product ? t("guarantorPortal.products.save") : t("guarantorPortal.products.create")}
      </button>
    </Form>
  );
}

export default function GuarantorProducts() {
  const { t } = useTranslation();
  const { products, canManage } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <div className="stack">
      <GuarantorTabs />
      <h1>{t("guarantorPortal.products.title")}</h1>
      <p className="muted">{t("guarantorPortal.products.intro")}</p>
      <FormError data={actionData} />
      {actionData && "saved" in actionData ? (
        <div className="alert alert--success" role="status" data-testid="product-saved">
          {t("guarantorPortal.products.saved")}
        </div>
      ) : null}
      {products.length === 0 ? <p className="muted">{t("guarantorPortal.products.none")}</p> : null}
      <ul className="gcards" data-testid="products">
        {products.map((p) => (
          <li key={p.id} className="panel" data-testid="product">
            <div className="gcard__head">
              <h2>{p.name}</h2>
              <StatusBadge
                label={p.active ? t("guarantorPortal.products.active") : t("guarantorPortal.products.inactive")}
                tone={p.active ? "ok" : "plain"}
              />
            </div>
            <dl className="gfacts">
              <dt>{t("guarantorPortal.products.kind")}</dt>
              <dd>{t(`guarantorPortal.products.kinds.${p.kind}`)}</dd>
              <dt>{t("guarantorPortal.products.feeRate")}</dt>
              <dd>
                {p.feeRateBp}（{t("guarantorPortal.products.feeRateShown", { percent: (p.feeRateBp / 100).toFixed(2) })}）
              </dd>
              <dt>{t("guarantorPortal.products.minimumFee")}</dt>
              <dd>
                <Yuan fen={p.minimumFeeFen} />
              </dd>
              <dt>{t("guarantorPortal.products.procurementTypes")}</dt>
              <dd>{p.procurementTypes.map((x) => t(`guarantorPortal.products.types.${x}`)).join("、")}</dd>
              <dt>{t("guarantorPortal.products.regions")}</dt>
              <dd className="mono">{p.regionCodes.join(", ")}</dd>
            </dl>
            {canManage ? (
              <details>
                <summary>{t("guarantorPortal.products.edit")}</summary>
                <ProductForm product={p} busy={busy} />
              </details>
            ) : null}
          </li>
        ))}
      </ul>
      {canManage ? (
        <section className="panel">
          <h2>{t("guarantorPortal.products.create")}</h2>
          <ProductForm busy={busy} />
        </section>
      ) : null}
    </div>
  );
}
