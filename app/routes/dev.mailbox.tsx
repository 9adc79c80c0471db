import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { z } from "zod";
import { AppError } from "#app/domain/shared/app-error.ts";
import { runLoader } from "#app/server/route.server.ts";
import { requireActor } from "#app/server/session.server.ts";
import { hasDevelopmentMailbox, listMailbox } from "#app/services/mail/list-mailbox.server.ts";

export const meta: MetaFunction = () => [{ title: "开发邮箱 · bidhall" }];

const To = z.string().trim().max(254).optional().catch(undefined);

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    // In production there is no mailbox, for anyone: not even a login page in front of it.
    if (!hasDevelopmentMailbox(app)) throw new AppError("NOT_FOUND", { what: "mailbox" });
    const actor = await requireActor(app, args.request);
    const to = To.parse(new URL(args.request.url).searchParams.get("to") ?? undefined) || undefined;
    return { to: to ?? "", mails: await listMailbox(app, actor, { to }) };
  });
}

/** Development mailbox (embedded mode only, the operator only): what would have been mailed. */
export default function Mailbox() {
  const { to, mails } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>开发邮箱 · Development mailbox</h1>
      <Form method="get" className="inline-fields">
        <label>
          收件人 To <input type="email" name="to" defaultValue={to} />
        </label>
        <button type="submit" className="button">
          筛选 Filter
        </button>
      </Form>
      {mails.map((m) => (
        <article key={m.id} className="panel" data-testid="mail">
          <h2>{m.subject}</h2>
          <p className="muted">
            {m.to_address} · <ShanghaiTime at={m.sent_at} />
          </p>
          <pre className="mail-body">{m.body}</pre>
        </article>
      ))}
    </div>
  );
}
