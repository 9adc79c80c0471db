import type { TestApp } from "../helpers/test-app.ts";

/** The code in the newest invitation-code mail to this address (what its owner reads in the inbox). */
export async function mailedCode(app: TestApp, email: string): Promise<string> {
  const mails = await app.db
    .selectFrom("outbox")
    .select(["key", "payload"])
    .where("kind", "=", "mail.send")
    .orderBy("id", "desc")
    .execute();
  const mail = mails.find((m) => m.key.startsWith("invitation-code:") && (m.payload as { to: string }).to === email);
  const code = /验证码：(\d{6})/.exec((mail?.payload as { body: string } | undefined)?.body ?? "")?.[1];
  if (!code) throw new Error(`no invitation code was mailed to ${email}`);
  return code;
}
