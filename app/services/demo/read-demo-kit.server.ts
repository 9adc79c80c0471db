import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { readDemoKit, type DemoKit } from "#app/server/demo-kit.server.ts";
import { DEMO_ORGANISATIONS, DEMO_PASSWORD } from "#db/seed/demo.ts";

export type DemoBackupStatus = "valid" | "revoked" | "expired" | "unknown";

export interface DemoKitView {
  password: string;
  accounts: {
    kind: string;
    organisation: string;
    uscc: string;
    status: string;
    people: { name: string; email: string; roles: string[] }[];
  }[];
  /** Null when this data directory has no kit (seeded by an older version, or removed). */
  kit: {
    seededAt: string;
    backupPassword: string;
    projectId: string;
    sections: { key: keyof DemoKit["sections"]; id: string; code: string; name: string; deadlineAt: Date }[];
    backups: {
      slug: string;
      personName: string;
      email: string;
      organisationName: string;
      serialHex: string;
      notAfter: string;
      /** Only a backup whose certificate is this database's, unrevoked and unexpired is offered. */
      status: DemoBackupStatus;
    }[];
  } | null;
}

/**
 * The development page's contents (embedded mode only, decision 36): every demo account with the
 * shared password, and the kit the demo seed left in the data directory — the story's sections
 * and each demo bidder's PKCS#12 backup with the state of its certificate in this database. In
 * production there is no such page.
 */
export async function readDemoKitPage(app: AppContext): Promise<DemoKitView> {
  if (app.config.mode !== "embedded") throw new AppError("NOT_FOUND", { what: "demo" });
  const accounts = DEMO_ORGANISATIONS.map((o) => ({
    kind: o.kinds[0]!,
    organisation: o.name,
    uscc: o.uscc,
    status: o.status,
    people: o.people.map((p) => ({ name: p.name, email: p.email, roles: [...p.roles] })),
  }));
  const kit = readDemoKit(app.config);
  if (!kit) return { password: DEMO_PASSWORD, accounts, kit: null };

  const now = app.clock.now();
  const sectionIds = Object.values(kit.sections);
  const sections = await app.db
    .selectFrom("sections")
    .select(["id", "code", "name", "deadline_at"])
    .where("id", "in", sectionIds)
    .execute();
  const certificates = await app.db
    .selectFrom("person_certificates as c")
    .innerJoin("people as p", "p.id", "c.person_id")
    .select(["c.serial_hex", "c.status", "c.not_after", "p.email"])
    .where(
      "c.serial_hex",
      "in",
      kit.backups.map((b) => b.serialHex),
    )
    .execute();
  return {
    password: DEMO_PASSWORD,
    accounts,
    kit: {
      seededAt: kit.seededAt,
      backupPassword: kit.backupPassword,
      projectId: kit.projectId,
      sections: (Object.keys(kit.sections) as (keyof DemoKit["sections"])[]).flatMap((key) => {
        const s = sections.find((x) => x.id === kit.sections[key]);
        return s ? [{ key, id: s.id, code: s.code, name: s.name, deadlineAt: s.deadline_at }] : [];
      }),
      backups: kit.backups.map((b) => {
        const cert = certificates.find((c) => c.serial_hex === b.serialHex && c.email === b.email);
        const status: DemoBackupStatus = !cert
          ? "unknown"
          : cert.status !== "valid"
            ? "revoked"
            : cert.not_after <= now
              ? "expired"
              : "valid";
        return {
          slug: b.slug,
          personName: b.personName,
          email: b.email,
          organisationName: b.organisationName,
          serialHex: b.serialHex,
          notAfter: b.notAfter,
          status,
        };
      }),
    },
  };
}
