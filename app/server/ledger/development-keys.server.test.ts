import { Wallet } from "ethers";
import { describe, expect, it } from "vitest";
import { developmentAddresses, developmentChainProblem } from "./development-keys.server.ts";

describe("development chains and keys", () => {
  it("knows Hardhat's twenty public development accounts", () => {
    const dev = developmentAddresses();
    expect(dev.size).toBe(20);
    expect(dev.has("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266")).toBe(true); // account #0 of every Hardhat node
    expect(dev.has(Wallet.createRandom().address.toLowerCase())).toBe(false);
  });

  it("refuses a development chain id, an unlocked development account and a signer with a development key", () => {
    const clean = { chainId: 2026n, unlockedAccounts: [], signerAddresses: [Wallet.createRandom().address] };
    expect(developmentChainProblem(clean)).toBeUndefined();
    expect(developmentChainProblem({ ...clean, chainId: 31337n })).toMatch(/chain 31337, a Hardhat\/Ganache development chain/);
    expect(developmentChainProblem({ ...clean, chainId: 1337n })).toMatch(/chain 1337/);
    expect(developmentChainProblem({ ...clean, unlockedAccounts: ["0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"] })).toMatch(
      /unlocks 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266, a well-known Hardhat development account/,
    );
    const devKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"; // Hardhat account #0, published
    expect(developmentChainProblem({ ...clean, signerAddresses: [new Wallet(devKey).address] })).toMatch(
      /uses a well-known Hardhat development key/,
    );
  });
});
