import type { Kysely, Transaction } from "kysely";
import {
  creditFlags,
  flagView,
  gradeAt,
  participationRefusal,
  type CreditRecord,
  type CreditFlagView,
  type ParticipationRefusal,
  type TenderScope,
} from "#app/domain/credit/credit.ts";
import { AppError } from "#app/domain/shared/app-error.ts";
import { formatShanghai } from "#app/domain/shared/time.ts";
import type { ProcurementType } from "#app/domain/tendering/rule-set.ts";
import { creditStanding } from "#app/server/repo/tendering.server.ts";
import type { Database } from "#db/schema.ts";

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * The credit checks the tendering and bidding use cases share (DOMAIN.md §6, decision 34): whether
 * an organisation may register or bid in a tender, as an AppError naming the grade or the ban, and
 * what the agency and the regulator are told about each bidder.
 */
export function tenderScopeOf(project: { procurement_type: ProcurementType; mandatory_tendering: boolean }): TenderScope {
  return { type: project.procurement_type, mandatoryTendering: project.mandatory_tendering };
}

/**
 * The organisation's credit in this tender at `now`: the deciding grade (null: no record, normal) and,
 * when credit bars it, the refusal with the AppError to throw.
 */
export async function participationCheck(
  db: Executor,
  input: { uscc: string; organisationName: string; tender: TenderScope; now: Date },
): Promise<{
  standing: Awaited<ReturnType<typeof creditStanding>>;
  grade: CreditRecord | null;
  refused: { refusal: ParticipationRefusal; error: AppError } | null;
}> {
  const standing = await creditStanding(db, input.uscc);
  const refusal = participationRefusal({ ...standing, tender: input.tender, now: input.now });
  return {
    standing,
    grade: gradeAt(standing.records, input.now),
    refused: refusal ? { refusal, error: refusalError(refusal, input.organisationName, standing.bans) } : null,
  };
}

/** What a ban takes away, in the words of the law that imposes it (decision 34). */
const SCOPE_ZH = {
  engineering: "依法必须进行招标的项目的投标",
  government: "政府采购",
  both: "依法必须进行招标的项目的投标和政府采购",
} as const;
const SCOPE_EN = {
  engineering: "bidding in projects that must be tendered by law",
  government: "government procurement",
  both: "bidding in projects that must be tendered by law and from government procurement",
} as const;

export function refusalError(
  r: ParticipationRefusal,
  organisation: string,
  bans: readonly { basis: string; until: Date; source: string }[],
): AppError {
  if (r.reason === "black")
    return new AppError("CREDIT_BLACK", { organisation, source: r.source, since: formatShanghai(r.since), detail: r.detail });
  const source = bans.find((b) => b.basis === r.basis && b.until.getTime() === r.until.getTime())?.source ?? "";
  return new AppError("CREDIT_BANNED", {
    organisation,
    basis: r.basis,
    source,
    until: formatShanghai(r.until),
    scopeZh: SCOPE_ZH[r.scope],
    scopeEn: SCOPE_EN[r.scope],
  });
}

/** The flags of several organisations at once, by USCC (two queries, whatever their number). */
export async function creditFlagsByUscc(
  db: Executor,
  usccs: readonly string[],
  tender: TenderScope,
  now: Date,
): Promise<Map<string, CreditFlagView[]>> {
  const unique = [...new Set(usccs)];
  const flags = new Map<string, CreditFlagView[]>(unique.map((u) => [u, []]));
  if (unique.length === 0) return flags;
  const [records, bans] = await Promise.all([
    db.selectFrom("credit_records").selectAll().where("uscc", "in", unique).orderBy("effective_from").execute(),
    db.selectFrom("credit_bans").selectAll().where("uscc", "in", unique).orderBy("from_at").execute(),
  ]);
  for (const uscc of unique) {
    const mine = creditFlags({
      records: records
        .filter((r) => r.uscc === uscc)
        .map((r) => ({ grade: r.grade, effectiveFrom: r.effective_from, effectiveTo: r.effective_to, source: r.source, reason: r.reason })),
      bans: bans.filter((b) => b.uscc === uscc).map((b) => ({ scope: b.scope, basis: b.basis, from: b.from_at, until: b.until_at })),
      tender,
      now,
    });
    flags.set(uscc, mine.map(flagView));
  }
  return flags;
}

const GRADE_ZH = { red: "红", orange: "橙", blue: "蓝", black: "黑" } as const;

/** DOMAIN.md §6: only a red grade may offer a credit commitment; the refusal names the grade that decides. */
export function commitmentRefusal(grade: CreditRecord | null): AppError {
  return new AppError("BID_CREDIT_COMMITMENT_NOT_ALLOWED", {
    grade: grade?.grade ?? "none",
    gradeZh: grade
      ? `“${GRADE_ZH[grade.grade]}”（来源：${grade.source}，自 ${formatShanghai(grade.effectiveFrom)} 起）`
      : "一般（无信用记录）",
    gradeEn: grade
      ? `${grade.grade} (source: ${grade.source}, since ${formatShanghai(grade.effectiveFrom, "en")})`
      : "normal (no credit record)",
  });
}
