import { expect } from "chai";
import type { BaseContract, ContractTransactionResponse } from "ethers";
import { stateBitmap } from "../helpers";

/** A way to bring the record under test into `state`; `title` completes "a guarantee that is ...". */
export interface Situation {
  title: string;
  state: number;
  reach: () => Promise<unknown>;
}

export interface StateGuardOptions {
  /** The start of each title, e.g. "the platform cannot bind a guarantee". */
  action: string;
  situations: Situation[];
  allowed: number[];
  contract: () => BaseContract;
  /** The custom error, e.g. "GuaranteeLedgerUnexpectedState". */
  error: string;
  id: string;
  call: () => Promise<ContractTransactionResponse>;
}

/**
 * One test per situation whose state is not in `allowed`: the call reverts with `error`, carrying the id,
 * the current state and the bitmap of allowed states, as OpenZeppelin's Governor does.
 */
export function shouldRejectUnexpectedStates(options: StateGuardOptions): void {
  const { action, situations, allowed, contract, error, id, call } = options;
  for (const situation of situations.filter((s) => !allowed.includes(s.state))) {
    it(`${action} that is ${situation.title}`, async function () {
      await situation.reach();
      await expect(call())
        .to.be.revertedWithCustomError(contract(), error)
        .withArgs(id, situation.state, stateBitmap(...allowed));
    });
  }
}
