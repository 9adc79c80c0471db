import { type ErrorDescription, id, Interface, isHexString, type Result } from "ethers";
import {
  ComplaintLedger__factory,
  DocumentAnchor__factory,
  GuaranteeLedger__factory,
  type ComplaintLedger,
  type DocumentAnchor,
  type GuaranteeLedger,
} from "@bidhall/contracts/typechain-types";
import { AppError } from "#app/domain/shared/app-error.ts";

/** The three ledger contracts (contracts/README.md) by the names payloads and tables use. */
export const CONTRACT_NAMES = ["GuaranteeLedger", "ComplaintLedger", "DocumentAnchor"] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

export const FACTORIES = {
  GuaranteeLedger: GuaranteeLedger__factory,
  ComplaintLedger: ComplaintLedger__factory,
  DocumentAnchor: DocumentAnchor__factory,
} as const;

export interface LedgerContracts {
  GuaranteeLedger: GuaranteeLedger;
  ComplaintLedger: ComplaintLedger;
  DocumentAnchor: DocumentAnchor;
}

export const INTERFACES: Record<ContractName, Interface> = {
  GuaranteeLedger: GuaranteeLedger__factory.createInterface() as unknown as Interface,
  ComplaintLedger: ComplaintLedger__factory.createInterface() as unknown as Interface,
  DocumentAnchor: DocumentAnchor__factory.createInterface() as unknown as Interface,
};

/** keccak256 role ids, as the contracts define them. */
export const ROLES = {
  DEFAULT_ADMIN_ROLE: `0x${"00".repeat(32)}`,
  PLATFORM_ROLE: id("PLATFORM_ROLE"),
  GUARANTOR_ROLE: id("GUARANTOR_ROLE"),
  REGULATOR_ROLE: id("REGULATOR_ROLE"),
  ANCHORER_ROLE: id("ANCHORER_ROLE"),
} as const;

/** Every custom error of every contract (and AccessControl's), to decode any revert. */
const ALL_ERRORS = new Interface(
  Object.values(INTERFACES)
    .flatMap((i) => i.fragments.filter((f) => f.type === "error"))
    .filter((f, idx, all) => all.findIndex((g) => g.format() === f.format()) === idx),
);

/** JSON-safe values: bigint as decimal strings, nested Results as arrays. */
export function plain(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

export function namedArgs(desc: { fragment: { inputs: readonly { name: string }[] }; args: Result }): Record<string, unknown> {
  return Object.fromEntries(desc.fragment.inputs.map((input, i) => [input.name || String(i), plain(desc.args[i])]));
}

/** Finds revert data inside whatever ethers or the node threw. */
export function revertData(e: unknown): string | undefined {
  const seen = new Set<unknown>();
  const walk = (v: unknown): string | undefined => {
    if (v === null || typeof v !== "object" || seen.has(v)) return undefined;
    seen.add(v);
    const o = v as Record<string, unknown>;
    if (typeof o.data === "string" && isHexString(o.data) && o.data.length >= 10) return o.data;
    for (const k of ["error", "info", "cause", "data"]) {
      const found = walk(o[k]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(e);
}

export function decodeRevert(data: string): ErrorDescription | null {
  try {
    return ALL_ERRORS.parseError(data);
  } catch {
    return null;
  }
}

/**
 * A revert as an AppError: LEDGER_REVERTED carrying the contract's custom error name (e.g.
 * `GuaranteeLedgerDuplicateGuarantee`) and its arguments, or undefined when `e` was no revert.
 */
export function revertToAppError(e: unknown, context: { contract: string; method: string }): AppError | undefined {
  const data = revertData(e);
  if (!data) return undefined;
  const desc = decodeRevert(data);
  const args = desc ? Object.entries(namedArgs(desc)).map(([k, v]) => `${k}=${String(v)}`) : [data];
  return new AppError(
    "LEDGER_REVERTED",
    { error: desc?.name ?? "unknown", args, contract: context.contract, method: context.method },
    { cause: e },
  );
}
