import type { RequestMeta } from "#app/server/context.server.ts";
import type { Actor } from "#app/server/session.server.ts";
import type { DemoKeyHolder } from "./keys.ts";
import { ceilToMinute, floorToMinute, minutes } from "./timeline.ts";

/**
 * What the demo story's steps share: who acts (actors built from the seeded memberships, each
 * with its own address, as different offices would have), the instants the story is told
 * against, and the ids the earlier steps created for the later ones.
 */
export type DemoSectionKey = "today" | "nextWeek" | "readyToOpen" | "finished";

export interface DemoParty {
  actor: Actor;
  meta: RequestMeta;
}

export interface DemoScene {
  /** The real instant of the first start; every step of the story lies before it. */
  startedAt: Date;
  projectCode: string;
  deadlines: { today: Date; readyToOpen: Date };
  /** The dates the law decides on the calendar (see lawfulDemoDates in tendering.ts). */
  lawful: { finishedDeadline: Date; saleUntil: Date };
  agency: DemoParty;
  tendererOrganisationId: string;
  bidder(key: string): DemoParty;
  /** The demo bidders whose people hold keys made at seed time (bidders 2–4). */
  keys: Map<string, DemoKeyHolder>;
  holder(key: string): DemoKeyHolder;
  projectId?: string;
  documentId?: string;
  sectionIds: Partial<Record<DemoSectionKey, string>>;
}

/** TEST-NET addresses (RFC 5737): one office per organisation, so no two bidders share an address. */
export const DEMO_ADDRESSES: Record<string, string> = {
  agency: "203.0.113.10",
  bidder1: "198.51.100.11",
  bidder2: "198.51.100.22",
  bidder3: "198.51.100.33",
  bidder4: "198.51.100.44",
};
export const DEMO_USER_AGENT = "bidhall demo seed (the story before the first start)";

export function metaOf(key: string): RequestMeta {
  return { ip: DEMO_ADDRESSES[key] ?? "127.0.0.1", userAgent: DEMO_USER_AGENT };
}

/**
 * Today's section closes ten minutes after start-up (rounded up to the minute); the section ready
 * to open closed three minutes before it (rounded down): late enough that nothing of its opening
 * has happened, early enough that the agency may begin at once.
 */
export function demoDeadlines(startedAt: Date): DemoScene["deadlines"] {
  return { today: ceilToMinute(minutes(startedAt, 10)), readyToOpen: minutes(floorToMinute(startedAt), -3) };
}
