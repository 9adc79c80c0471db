import { describe, expect, it } from "vitest";
import { areas } from "#app/i18n/areas/index.ts";
import { LEDGER_REFUSALS, ledgerRefusalKey } from "./ledger-refusal.ts";

describe("ledgerRefusalKey", () => {
  it("finds the contract's custom error in the ledger's whole message", () => {
    expect(
      ledgerRefusalKey(
        "LEDGER_REVERTED: The ledger contract refused this (GuaranteeLedger.issue: GuaranteeLedgerInvalidValidity 0x12, 1700000000).",
      ),
    ).toBe("ledger.refusal.GuaranteeLedgerInvalidValidity");
    expect(ledgerRefusalKey("GuaranteeLedgerDuplicateGuarantee")).toBe("ledger.refusal.GuaranteeLedgerDuplicateGuarantee");
  });

  it("falls back to the general sentence for an unknown or missing name", () => {
    expect(ledgerRefusalKey("LEDGER_REVERTED: … (GuaranteeLedger.issue: unknown )")).toBe("ledger.refusal.other");
    expect(ledgerRefusalKey("GuaranteeLedgerSomethingNew")).toBe("ledger.refusal.other");
    expect(ledgerRefusalKey("")).toBe("ledger.refusal.other");
  });

  it("has a Chinese and an English sentence for every refusal, without the technical name", () => {
    for (const lang of ["zh", "en"] as const) {
      const refusal = areas.ledger[lang].refusal as Record<string, string>;
      for (const name of [...LEDGER_REFUSALS, "other"]) {
        expect(refusal[name], `${lang} ${name}`).toBeTruthy();
        expect(refusal[name]).not.toMatch(/GuaranteeLedger|LEDGER_/);
      }
    }
  });
});
