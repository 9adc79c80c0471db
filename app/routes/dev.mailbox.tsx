import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { ShanghaiTime } from "#app/components/server-time.tsx";
import { runLoader } from "#app/server/route.server.ts";
import { listMailbox } from "#app/services/mail/list-mailbox.server.ts";

export const meta: MetaFunction = () => [{ title: "开发邮箱 · bidhall" }];

export async function loader(args: LoaderFunctionArgs) {
  return runLoader(args, async ({ app }) => {
    const to = new URL(args.request.url).searchParams.get("to") ?? undefined;
    return { to: to ?? "", mails: await listMailbox(app, { to }) };
  });
}

/** Development mailbox (embedded mode only): what would have been mailed. */
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
