import { HDNodeWallet } from "ethers";

/**
 * Hardhat (and Anvil) nodes come with twenty accounts derived from one published mnemonic, unlocked
 * on the node: their private keys are in every tutorial. The embedded chain never uses them (every
 * holder gets a key of its own, app/server/ledger/keys.server.ts), and production must not run on
 * a chain where they exist (decision 26): anyone who can reach such a node can sign as them.
 */
export const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
/** Hardhat's default chain id and Ganache's: development chains, never the trading centre's network. */
export const DEVELOPMENT_CHAIN_IDS: readonly bigint[] = [31337n, 1337n];

let known: Set<string> | undefined;

/** The twenty well-known development addresses (lower case); derived once, on first use (~0.4 s). */
export function developmentAddresses(): Set<string> {
  if (!known) {
    const root = HDNodeWallet.fromPhrase(HARDHAT_MNEMONIC, undefined, "m/44'/60'/0'/0");
    known = new Set(Array.from({ length: 20 }, (_, i) => root.deriveChild(i).address.toLowerCase()));
  }
  return known;
}

/**
 * Why this chain must not carry a production platform, or undefined: a development chain id, a
 * node that unlocks a well-known development account, or one of our own signers holding such a key.
 */
export function developmentChainProblem(facts: {
  chainId: bigint;
  unlockedAccounts: readonly string[];
  signerAddresses: readonly string[];
}): string | undefined {
  if (DEVELOPMENT_CHAIN_IDS.includes(facts.chainId))
    return `LEDGER_RPC_URL serves chain ${facts.chainId}, a Hardhat/Ganache development chain whose account keys are public; production needs the trading centre's permissioned network`;
  const dev = developmentAddresses();
  const unlocked = facts.unlockedAccounts.find((a) => dev.has(a.toLowerCase()));
  if (unlocked)
    return `the node at LEDGER_RPC_URL unlocks ${unlocked}, a well-known Hardhat development account whose key is public: anyone who reaches the node could sign as it`;
  const signer = facts.signerAddresses.find((a) => dev.has(a.toLowerCase()));
  if (signer) return `a ledger account of this platform (${signer}) uses a well-known Hardhat development key; give it a key of its own`;
  return undefined;
}
