import nodemailer from "nodemailer";
import { z } from "zod";
import type { JobHandler } from "./runner.ts";

/**
 * `mail.send`: to SMTP_URL in production; in embedded mode into the development mailbox table
 * (shown at /dev/mailbox). The outbox key makes delivery to the mailbox happen once.
 */
export const MailPayload = z.object({ to: z.string().email(), subject: z.string().min(1), body: z.string() });
export type MailPayload = z.infer<typeof MailPayload>;

export const sendMail: JobHandler = async (payload, { app, job }) => {
  const mail = MailPayload.parse(payload);
  if (app.config.smtpUrl) {
    const transport = nodemailer.createTransport(app.config.smtpUrl);
    // The outbox key as Message-ID lets the receiving side drop a duplicate after a retry.
    await transport.sendMail({
      from: `bidhall <noreply@${new URL(app.config.publicUrl).hostname}>`,
      to: mail.to,
      subject: mail.subject,
      text: mail.body,
      messageId: `<${job.key}@bidhall>`,
    });
    return;
  }
  await app.db
    .insertInto("mailbox")
    .values({ outbox_key: job.key, to_address: mail.to, subject: mail.subject, body: mail.body, sent_at: app.clock.now() })
    .onConflict((oc) => oc.column("outbox_key").doNothing())
    .execute();
};
