import nodemailer from "nodemailer";
import { ConfigError } from "./config.server.ts";

/** SMTP_URL without its password, for messages. */
export function redactSmtpUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return `${u.protocol}//${u.username ? `${u.username}@` : ""}${u.host}`;
  } catch {
    return "(unparsable)";
  }
}

/**
 * Production start-up (decision 52): the SMTP server at SMTP_URL answers and accepts our login, or
 * one line naming the setting. Waits at most 10 s.
 */
export async function checkSmtp(url: string): Promise<void> {
  const transport = nodemailer.createTransport(url, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 10_000 });
  try {
    await transport.verify();
  } catch (e) {
    const code = (e as { code?: string }).code;
    const detail = e instanceof Error ? e.message : String(e);
    throw new ConfigError(`cannot use the SMTP server at ${redactSmtpUrl(url)} (SMTP_URL): ${code ? `${code} ` : ""}${detail}`);
  } finally {
    transport.close();
  }
}
