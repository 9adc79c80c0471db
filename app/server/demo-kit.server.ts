import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Config } from "./config.server.ts";

/**
 * The demo kit (decision 36): what embedded mode's demo seed leaves for the development page
 * (`/dev/demo`) in `$BIDHALL_DATA_DIR/demo/` — the PKCS#12 backups of the demo bidders' people,
 * their password, and where the story's sections are. It lives beside the embedded database and
 * nowhere else: production never seeds, never writes it and never reads it (every function here
 * refuses outside embedded mode), and nothing in it is in the database or the object storage.
 */
export const DEMO_KIT_DIR = "demo";
const MANIFEST = "kit.json";

const Slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/);

export const DemoBackupEntry = z.object({
  /** Names the file (`<slug>.p12`) and the download address. */
  slug: Slug,
  email: z.string(),
  personName: z.string(),
  organisationName: z.string(),
  organisationUscc: z.string(),
  serialHex: z.string().regex(/^[0-9a-f]+$/),
  notAfter: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type DemoBackupEntry = z.infer<typeof DemoBackupEntry>;

export const DemoKit = z.object({
  format: z.literal("bidhall.demo-kit/1"),
  seededAt: z.string(),
  backupPassword: z.string(),
  projectId: z.string().uuid(),
  sections: z.object({
    /** Closes ten minutes after the first start: bid in the browser. */
    today: z.string().uuid(),
    /** Closes a week later: the offline tool. */
    nextWeek: z.string().uuid(),
    /** Deadline passed just before the first start, sealed bids waiting: the agency opens it. */
    readyToOpen: z.string().uuid(),
    /** Opened, read out, confirmed and closed days ago: the signed records. */
    finished: z.string().uuid(),
  }),
  backups: z.array(DemoBackupEntry),
});
export type DemoKit = z.infer<typeof DemoKit>;

export class DemoKitUnavailableError extends Error {
  override name = "DemoKitUnavailableError";
}

function kitDir(config: Pick<Config, "mode" | "dataDir">): string {
  if (config.mode !== "embedded") throw new DemoKitUnavailableError("the demo kit exists only in embedded mode");
  return path.join(config.dataDir, DEMO_KIT_DIR);
}

/** Writes the kit (backups first, the manifest last, so a half-written kit has no manifest). */
export function writeDemoKit(
  config: Pick<Config, "mode" | "dataDir">,
  kit: Omit<DemoKit, "format" | "backups">,
  backups: readonly { entry: Omit<DemoBackupEntry, "sha256">; bytes: Uint8Array }[],
): DemoKit {
  const dir = kitDir(config);
  fs.rmSync(dir, { recursive: true, force: true }); // a kit left from an earlier database would not match this one
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const entries = backups.map(({ entry, bytes }) => {
    const slug = Slug.parse(entry.slug);
    fs.writeFileSync(path.join(dir, `${slug}.p12`), bytes, { mode: 0o600 });
    return { ...entry, sha256: createHash("sha256").update(bytes).digest("hex") };
  });
  const manifest: DemoKit = { format: "bidhall.demo-kit/1", ...kit, backups: entries };
  fs.writeFileSync(path.join(dir, MANIFEST), JSON.stringify(manifest, null, 2), { mode: 0o600 });
  return manifest;
}

/** The kit's manifest, or null when there is none (not seeded here, or removed) or it is unreadable. */
export function readDemoKit(config: Pick<Config, "mode" | "dataDir">): DemoKit | null {
  const file = path.join(kitDir(config), MANIFEST);
  try {
    return DemoKit.parse(JSON.parse(fs.readFileSync(file, "utf8")));
  } catch {
    return null;
  }
}

/** One backup's bytes, only when they are still what the manifest recorded. */
export function readDemoBackup(config: Pick<Config, "mode" | "dataDir">, entry: DemoBackupEntry): Buffer | null {
  const slug = Slug.parse(entry.slug);
  try {
    const bytes = fs.readFileSync(path.join(kitDir(config), `${slug}.p12`));
    return createHash("sha256").update(bytes).digest("hex") === entry.sha256 ? bytes : null;
  } catch {
    return null;
  }
}
