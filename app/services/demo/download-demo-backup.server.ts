import { z } from "zod";
import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { readDemoBackup, readDemoKit } from "#app/server/demo-kit.server.ts";

const Slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/);

/**
 * One demo bidder's PKCS#12 backup from the development page (embedded mode only, decision 36).
 * Only what the kit lists, only while its certificate is a valid one of that person in this
 * database (a kit left beside another database, or a revoked certificate, is not handed out),
 * and only bytes that still match the hash the seed recorded.
 */
export async function downloadDemoBackup(app: AppContext, slug: string): Promise<{ bytes: Buffer; filename: string }> {
  const notFound = () => new AppError("NOT_FOUND", { what: "demo backup" });
  if (app.config.mode !== "embedded") throw notFound();
  const parsed = Slug.safeParse(slug);
  if (!parsed.success) throw notFound();
  const entry = readDemoKit(app.config)?.backups.find((b) => b.slug === parsed.data);
  if (!entry) throw notFound();
  const cert = await app.db
    .selectFrom("person_certificates as c")
    .innerJoin("people as p", "p.id", "c.person_id")
    .select(["c.status", "c.not_after"])
    .where("c.serial_hex", "=", entry.serialHex)
    .where("p.email", "=", entry.email)
    .executeTakeFirst();
  if (!cert || cert.status !== "valid" || cert.not_after <= app.clock.now()) throw notFound();
  const bytes = readDemoBackup(app.config, entry);
  if (!bytes) throw notFound();
  return { bytes, filename: `${entry.slug}-demo.p12` };
}
