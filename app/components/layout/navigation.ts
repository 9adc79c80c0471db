/**
 * The header's entries as data (decision 48): one list, filtered by the actor's permissions and
 * organisation, shown as top-level links and a few grouped menus. A feature adds its entry here
 * (one line) instead of editing the header's markup.
 */

export interface NavContext {
  can(permission: string): boolean;
  organisationId: string;
}

export type NavGroupId = "organisation" | "platform" | "records";

export interface NavEntry {
  /** A stable id (tests and keys). */
  id: string;
  to: (ctx: NavContext) => string;
  /** i18n key of the label. */
  label: string;
  show: (ctx: NavContext) => boolean;
  /** In a grouped menu; top-level when absent. */
  group?: NavGroupId;
  /** Active only on this exact path (not its children). */
  end?: boolean;
}

const always = () => true;
const can = (permission: string) => (ctx: NavContext) => ctx.can(permission);
const path = (to: string) => () => to;

export const NAV_GROUPS: readonly { id: NavGroupId; label: string }[] = [
  { id: "organisation", label: "ui.nav.groups.organisation" },
  { id: "platform", label: "ui.nav.groups.platform" },
  { id: "records", label: "ui.nav.groups.records" },
];

export const NAV_ENTRIES: readonly NavEntry[] = [
  { id: "dashboard", to: path("/dashboard"), label: "nav.dashboard", show: always },
  { id: "announcements", to: path("/announcements"), label: "tendering.nav.announcements", show: always },
  { id: "bids", to: path("/bids"), label: "bidding.nav", show: can("submit:bid:own") },
  { id: "projects", to: path("/projects"), label: "tendering.nav.projects", show: can("create:project:own") },
  { id: "regulator-projects", to: path("/regulator/projects"), label: "tendering.nav.regulator", show: can("view:section:jurisdiction") },
  // 开标 (decision 47): the host's and the tenderer's openings; the regulator's in its jurisdiction.
  { id: "openings", to: path("/openings"), label: "openingHall.nav", show: can("host:opening:own") },
  { id: "regulator-openings", to: path("/regulator/openings"), label: "openingHall.nav", show: can("view:section:jurisdiction") },
  // The complaints routed to the regulator (decision 0063).
  { id: "regulator-complaints", to: path("/regulator/complaints"), label: "complaintHandling.nav", show: can("view:section:jurisdiction") },
  // Clarifications and terminations reach every organisation that obtained the documents (decision 41).
  { id: "notices", to: path("/notices"), label: "lifecycle.nav.notices", show: always },
  // Objections and complaints (issue 15, decisions 0061, 0062).
  {
    id: "objections",
    to: path("/objections"),
    label: "complaints.nav.objections",
    show: (ctx) => ctx.can("raise:objection:own") || ctx.can("publish:section:own"),
    // In 本单位: one more top-level link pushed the English header past 1366 px (the language
    // switch ended up under the server time).
    group: "organisation",
  },
  // 评标定标 (issue 16): in 本单位, the English header has no room for another top-level link.
  { id: "evaluations", to: path("/evaluations"), label: "evaluation.list.title", show: can("record:result:own"), group: "organisation" },
  { id: "complaints", to: path("/complaints"), label: "complaints.nav.complaints", show: always, group: "records" },
  { id: "complaint-decisions", to: path("/complaints/decisions"), label: "complaints.nav.decisions", show: always, group: "records" },
  {
    id: "jurisdiction",
    to: path("/regulator/jurisdiction"),
    label: "complaints.nav.jurisdiction",
    show: can("handle:complaint:jurisdiction"),
    group: "organisation",
  },

  {
    id: "organisation",
    to: (c) => `/organisations/${c.organisationId}`,
    label: "nav.organisation",
    show: always,
    group: "organisation",
    end: true,
  },
  {
    id: "members",
    to: (c) => `/organisations/${c.organisationId}/members`,
    label: "nav.members",
    show: can("manage:members:own"),
    group: "organisation",
  },
  // The bidder's electronic guarantees (issue 14, decision 0072).
  { id: "guarantees", to: path("/guarantees"), label: "guaranteeBidder.nav", show: can("apply:guarantee:own"), group: "organisation" },
  { id: "certificates", to: path("/certificates"), label: "certificates.nav", show: always, group: "organisation" },
  { id: "api-tokens", to: path("/api-tokens"), label: "ui.nav.apiTokens", show: can("submit:bid:own"), group: "organisation" },
  // A regulator's requests for documents while it handles a complaint (decision 0063).
  {
    id: "complaint-requests",
    to: path("/complaint-requests"),
    label: "complaintHandling.requestsNav",
    show: always,
    group: "organisation",
  },
  // The guarantor's portal (decision 0070): one entry; the portal's own tabs lead to products, guarantees and claims.
  {
    id: "guarantor",
    to: path("/guarantor/applications"),
    label: "guarantorPortal.nav.applications",
    show: (ctx) => ctx.can("issue:guarantee:own") || ctx.can("sign:guarantee:own") || ctx.can("decide:claim:own"),
    group: "organisation",
  },
  {
    id: "guarantor-products",
    to: path("/guarantor/products"),
    label: "guarantorPortal.nav.products",
    show: can("manage:guarantee-product:own"),
    group: "organisation",
  },
  // The tenderer's and the agency's bid guarantees after the opening (decision 0070).
  {
    id: "section-guarantees",
    to: path("/section-guarantees"),
    label: "guarantorPortal.nav.sections",
    show: can("create:project:own"),
    group: "records",
  },
  { id: "profile", to: path("/profile"), label: "ui.nav.profile", show: always, group: "organisation" },

  { id: "approvals", to: path("/operator/approvals"), label: "nav.approvals", show: can("approve:organisation:any"), group: "platform" },
  { id: "credit", to: path("/operator/credit"), label: "tendering.nav.credit", show: can("manage:credit:any"), group: "platform" },
  { id: "rule-sets", to: path("/operator/rule-sets"), label: "tendering.nav.ruleSets", show: can("manage:ruleset:any"), group: "platform" },
  { id: "calendar", to: path("/operator/calendar"), label: "tendering.nav.calendar", show: can("manage:ruleset:any"), group: "platform" },
  {
    id: "incidents",
    to: path("/operator/incidents"),
    label: "openingAdmin.nav.incidents",
    show: can("record:incident:any"),
    group: "platform",
  },

  { id: "audit", to: path("/operator/audit"), label: "audit.nav", show: can("view:audit:any"), group: "records" },
  { id: "ledger", to: path("/ledger"), label: "ledger.nav", show: can("view:ledger:any"), group: "records" },
  {
    id: "regulator-securities",
    to: path("/regulator/securities"),
    label: "lifecycle.nav.securities",
    show: can("view:section:jurisdiction"),
    group: "records",
  },
];

export interface NavItem {
  id: string;
  to: string;
  label: string;
  end: boolean;
}

export interface NavSection {
  /** null: the top-level links. */
  group: { id: NavGroupId; label: string } | null;
  items: NavItem[];
}

/** The entries this actor sees: top-level links first, then each non-empty group in order. */
export function navigationFor(ctx: NavContext, entries: readonly NavEntry[] = NAV_ENTRIES): NavSection[] {
  const visible = entries.filter((e) => e.show(ctx));
  const item = (e: NavEntry): NavItem => ({ id: e.id, to: e.to(ctx), label: e.label, end: e.end ?? false });
  const sections: NavSection[] = [{ group: null, items: visible.filter((e) => !e.group).map(item) }];
  for (const group of NAV_GROUPS) {
    const items = visible.filter((e) => e.group === group.id).map(item);
    if (items.length > 0) sections.push({ group, items });
  }
  return sections;
}
