import { toBeHex } from "ethers";
import { ethers } from "hardhat";
import type { ContractTransactionResponse } from "ethers";

/** The bitmap of allowed states that the ledgers' `...UnexpectedState` errors carry: bit `1 << state`. */
export function stateBitmap(...states: number[]): string {
  return toBeHex(
    states.reduce((bits, s) => bits | (1n << BigInt(s)), 0n),
    32,
  );
}

/** The block timestamp of the block that mined `tx`. */
export async function timestampOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  const block = await ethers.provider.getBlock(receipt!.blockNumber);
  return BigInt(block!.timestamp);
}

/** The names of the events of `tx` that `contract` declares, in the order they were emitted. */
export async function eventNames(
  contract: {
    interface: {
      parseLog(log: { topics: string[]; data: string }): { name: string } | null;
    };
  },
  tx: Promise<ContractTransactionResponse>,
): Promise<string[]> {
  const receipt = await (await tx).wait();
  return receipt!.logs.map((log) => contract.interface.parseLog({ topics: [...log.topics], data: log.data })?.name ?? "?");
}

/** Seconds in a day, as a bigint for timestamps. */
export const DAY = 24n * 60n * 60n;
