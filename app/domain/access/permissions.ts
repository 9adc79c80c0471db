/**
 * Permissions are typed strings `verb:object:scope` derived from the organisation's kinds × the
 * member's roles (ARCHITECTURE.md §3). The server checks them with one helper
 * (app/server/auth.server.ts `requirePermission`), the UI mirrors them to hide what a user cannot
 * do, and queries still filter by owner so a forgotten check cannot leak data.
 *
 * Scopes: `own` = objects of the actor's organisation; `jurisdiction` = objects in a regulator's
 * region; `any` = platform-wide (operator only).
 */
export const ORGANISATION_KINDS = ["bidder", "tenderer", "agency", "guarantor", "regulator", "finance", "operator"] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export const MEMBER_ROLES = ["admin", "operate", "bid", "sign", "view"] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

const COMMON = {
  admin: ["manage:members:own", "manage:organisation:own", "view:organisation:own"],
  operate: ["view:organisation:own"],
  bid: ["view:organisation:own"],
  sign: ["view:organisation:own"],
  view: ["view:organisation:own"],
} as const;

const BY_KIND = {
  bidder: {
    bid: [
      "register:section:own",
      "submit:bid:own",
      "decrypt:bid:own",
      "confirm:record:own",
      "raise:objection:own",
      "request:payment:own",
      "apply:guarantee:own",
    ],
    sign: ["sign:contract:own"],
    operate: ["request:payment:own"],
  },
  tenderer: {
    operate: ["create:project:own", "publish:section:own", "host:opening:own", "record:result:own", "review:payment:own"],
    sign: ["sign:notice:own", "sign:contract:own"],
  },
  agency: {
    operate: ["create:project:own", "publish:section:own", "host:opening:own", "record:result:own"],
    sign: ["sign:notice:own"],
  },
  guarantor: {
    // Decision 0057: `operate` keeps the products and underwrites; `sign` signs the guarantee letter.
    operate: ["issue:guarantee:own", "decide:claim:own", "manage:guarantee-product:own"],
    sign: ["sign:guarantee:own"],
  },
  regulator: {
    operate: ["handle:complaint:jurisdiction", "suspend:section:jurisdiction", "view:section:jurisdiction", "view:ledger:any"],
    view: ["view:section:jurisdiction"],
  },
  finance: {
    operate: ["pay:request:own"],
  },
  operator: {
    operate: [
      "approve:organisation:any",
      "manage:credit:any",
      "record:incident:any",
      "manage:ruleset:any",
      "view:audit:any",
      "view:ledger:any",
      // Embedded mode only: the development mailbox holds every mail, invitation codes included (decision 20).
      "read:mailbox:any",
    ],
    view: ["view:audit:any"],
  },
} as const satisfies Record<OrganisationKind, Partial<Record<MemberRole, readonly string[]>>>;

type Values<T> = T[keyof T];
type KindPermissions = Values<{ [K in keyof typeof BY_KIND]: Values<(typeof BY_KIND)[K]> }>;
export type Permission = Values<typeof COMMON>[number] | (KindPermissions extends readonly (infer P)[] ? P : never);

/** Every permission the member holds in this organisation, computed from kinds × roles. */
export function permissionsFor(kinds: readonly OrganisationKind[], roles: readonly MemberRole[]): Set<Permission> {
  const granted = new Set<Permission>();
  for (const role of roles) {
    for (const p of COMMON[role]) granted.add(p);
    for (const kind of kinds) {
      const byRole = BY_KIND[kind] as Partial<Record<MemberRole, readonly Permission[]>>;
      for (const p of byRole[role] ?? []) granted.add(p);
    }
  }
  return granted;
}

/** Every permission string that exists (for tests and the UI). */
export const ALL_PERMISSIONS: ReadonlySet<Permission> = new Set(
  ORGANISATION_KINDS.flatMap((k) => MEMBER_ROLES.flatMap((r) => [...permissionsFor([k], [r])])),
);

// Which kinds may not be held together (办法 Art 23 and others) lives in ./organisation-kinds.ts.
