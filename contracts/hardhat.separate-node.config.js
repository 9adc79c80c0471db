/**
 * A separate ledger node for the production-mode tests (test/setup/chain-node.ts): `hardhat node`
 * as its own process, standing in for the trading centre's Besu network. Unlike the embedded
 * node it mines every transaction at once on the system clock, has a chain id of its own and
 * unlocks none of Hardhat's published development accounts (production refuses those, decision
 * 26): one funded account whose key is made for the test run (BIDHALL_TEST_NODE_KEY). Gas is free
 * (zero base fee), as on a permissioned Besu network configured with min-gas-price 0.
 */
module.exports = {
  networks: {
    hardhat: {
      chainId: 20261205,
      hardfork: "cancun",
      initialBaseFeePerGas: 0,
      mining: { auto: true, interval: 0 },
      accounts: [{ privateKey: process.env.BIDHALL_TEST_NODE_KEY, balance: "1000000000000000000000000" }],
      loggingEnabled: false,
    },
  },
};
