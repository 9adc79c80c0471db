import { sql, type Kysely, type Transaction } from "kysely";
import { AppError } from "#app/domain/shared/app-error.ts";
import { regionWithin } from "#app/domain/shared/regions.ts";
import type { AppContext, RequestMeta } from "#app/server/context.server.ts";
import type { LoadedOpening } from "#app/server/repo/openings.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import type { Database } from "#db/schema.ts";
import {
  assertConfirmationPeriodRunning,
  hostOrganisationId,
  inOpeningTransaction,
  loadOpening,
  recordOpeningFact,
  requireHost,
} from "./opening-context.server.ts";

type Executor = Kysely<Database> | Transaction<Database>;

export type OfficialDuty = "recorder" | "supervisor";

export interface OfficialPerson {
  personId: string;
  name: string;
  organisationName: string;
}

/** Who an opening record names (decision 46): 开标人, 记录人, 监标人, and how each was settled. */
export interface OpeningOfficials {
  /** The person who opened the decryption window (or, before that, published the bidder list). */
  host: OfficialPerson | null;
  /** Chosen by the host; otherwise the person who published the reading-out. */
  recorder: (OfficialPerson & { chosen: boolean }) | null;
  /** Chosen by the host among the regulator's members; otherwise the regulator's person who acted in the hall. */
  supervisor: (OfficialPerson & { chosen: boolean }) | null;
}

const DUTY_WORDS = {
  recorder: { zh: "记录人", en: "recorder" },
  supervisor: { zh: "监标人", en: "supervisor" },
} as const;

/** Active members of the host (recorder) and of the regulators whose jurisdiction covers the project (supervisor). */
export async function officialCandidates(db: Executor, loaded: LoadedOpening): Promise<Record<OfficialDuty, OfficialPerson[]>> {
  const rows = await db
    .selectFrom("memberships as m")
    .innerJoin("people as p", "p.id", "m.person_id")
    .innerJoin("organisations as o", "o.id", "m.organisation_id")
    .select(["p.id", "p.name", "o.id as organisation_id", "o.name as organisation_name", "o.kinds", "o.region_code", "m.roles"])
    .where("m.status", "=", "active")
    .where("p.status", "=", "active")
    .where("o.status", "=", "approved")
    .orderBy("o.name")
    .orderBy("p.name")
    .execute();
  const host = hostOrganisationId(loaded);
  const person = (r: (typeof rows)[number]): OfficialPerson => ({ personId: r.id, name: r.name, organisationName: r.organisation_name });
  return {
    recorder: rows.filter((r) => r.organisation_id === host).map(person),
    supervisor: rows
      .filter(
        (r) =>
          r.kinds.includes("regulator") &&
          /^\d{6}$/.test(r.region_code) &&
          regionWithin(loaded.project.region_code, r.region_code) &&
          (r.roles.includes("operate") || r.roles.includes("view")),
      )
      .map(person),
  };
}

/**
 * The host names the recorder (among its own members) or the supervising regulator (among the
 * members of a regulator whose jurisdiction covers the project) for the opening record, until the
 * confirmation period ends and the record is generated. A fact, audited; a later choice replaces
 * the earlier one in the record.
 */
export async function assignOpeningOfficial(
  app: AppContext,
  opts: { actor: Actor; openingId: string; duty: OfficialDuty; personId: string; meta: RequestMeta },
): Promise<OfficialPerson> {
  const now = app.clock.now();
  const loaded = await loadOpening(app.db, opts.openingId);
  requireHost(opts.actor, loaded);
  return inOpeningTransaction(app, loaded.opening.id, "assignOfficial", now, async (trx, again) => {
    assertConfirmationPeriodRunning(again.facts, now);
    const candidates = await officialCandidates(trx, again);
    const chosen = candidates[opts.duty].find((c) => c.personId === opts.personId);
    if (!chosen) {
      const words = DUTY_WORDS[opts.duty];
      throw new AppError("OPENING_OFFICIAL_NOT_ELIGIBLE", {
        dutyZh: words.zh,
        dutyEn: words.en,
        whoZh: opts.duty === "recorder" ? "开标主持单位" : "对本项目有监管权限的行政监督部门",
        whoEn: opts.duty === "recorder" ? "the hosting organisation" : "a regulator whose jurisdiction covers the project",
      });
    }
    const membership = await trx
      .selectFrom("memberships as m")
      .innerJoin("organisations as o", "o.id", "m.organisation_id")
      .select("o.id")
      .where("m.person_id", "=", chosen.personId)
      .where("o.name", "=", chosen.organisationName)
      .where("m.status", "=", "active")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("opening_officials")
      .values({
        opening_id: again.opening.id,
        duty: opts.duty,
        person_id: chosen.personId,
        organisation_id: membership.id,
        assigned_by: opts.actor.personId,
        assigned_at: now,
      })
      .execute();
    await recordOpeningFact(trx, {
      openingId: again.opening.id,
      actor: opts.actor,
      meta: opts.meta,
      at: now,
      audit: {
        type: "opening.official_assigned",
        data: { openingId: again.opening.id, duty: opts.duty, personId: chosen.personId, organisationId: membership.id },
      },
      live: null,
    });
    return chosen;
  });
}

/**
 * The people an opening record names, as they stood at `at`: the host is who opened the window
 * (the audit row of the fact names the person); the recorder and the supervisor are the latest
 * choices, or else the people who acted (the reading-out's publisher; a regulator who suspended or
 * resumed the opening).
 */
export async function openingOfficials(db: Executor, loaded: LoadedOpening, at: Date): Promise<OpeningOfficials> {
  const openingId = loaded.opening.id;
  const actedBy = async (types: string[], organisationFilter?: (orgId: string) => boolean) => {
    const rows = await db
      .selectFrom("audit_log as a")
      .innerJoin("people as p", "p.id", "a.actor_person_id")
      .innerJoin("organisations as o", "o.id", "a.actor_organisation_id")
      .select(["p.id", "p.name", "o.id as organisation_id", "o.name as organisation_name", "a.type"])
      .where("a.type", "in", types)
      .where("a.at", "<=", at)
      .where(sql<string>`a.data->>'openingId'`, "=", openingId)
      .orderBy("a.seq")
      .execute();
    // The first type listed wins (the window's opening before the list's publication).
    const ordered = types.flatMap((t) => rows.filter((r) => r.type === t));
    const r = ordered.find((x) => !organisationFilter || organisationFilter(x.organisation_id));
    return r ? { personId: r.id, name: r.name, organisationName: r.organisation_name } : null;
  };
  const chosen = async (duty: OfficialDuty) => {
    const r = await db
      .selectFrom("opening_officials as x")
      .innerJoin("people as p", "p.id", "x.person_id")
      .innerJoin("organisations as o", "o.id", "x.organisation_id")
      .select(["p.id", "p.name", "o.name as organisation_name"])
      .where("x.opening_id", "=", openingId)
      .where("x.duty", "=", duty)
      .where("x.assigned_at", "<=", at)
      .orderBy("x.assigned_at", "desc")
      .orderBy("x.id")
      .limit(1)
      .executeTakeFirst();
    return r ? { personId: r.id, name: r.name, organisationName: r.organisation_name, chosen: true } : null;
  };
  const host = await actedBy(["opening.window_opened", "opening.bidder_list_published"]);
  const recorder = (await chosen("recorder")) ?? withChosen(await actedBy(["opening.reading_out_published"]));
  const supervisor = (await chosen("supervisor")) ?? withChosen(await actedBy(["opening.suspended", "opening.resumed"]));
  return { host, recorder, supervisor };
}

function withChosen(p: OfficialPerson | null) {
  return p ? { ...p, chosen: false } : null;
}
