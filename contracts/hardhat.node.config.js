/**
 * The embedded ledger node (ARCHITECTURE.md §1): `hardhat node --config hardhat.node.config.js`,
 * started by the bidhall server (app/server/ledger/node.server.ts). Unlike hardhat.config.ts it
 * loads no plugins (so it starts in about a second) and fixes everything that would make two
 * runs of the same journal differ:
 * - the genesis block's date, so block hashes come back identical and any platform clock (also
 *   one set in the past) is later than genesis;
 * - no automining: the server sets each block's timestamp from the platform clock and mines it;
 * - a zero base fee, so organisations' accounts need no funding (as on a permissioned Besu
 *   network with free gas); blocks may share a timestamp when the platform clock stands still.
 */
module.exports = {
  networks: {
    hardhat: {
      chainId: 31337,
      hardfork: "cancun",
      initialDate: "2020-01-01T00:00:00Z",
      initialBaseFeePerGas: 0,
      allowBlocksWithSameTimestamp: true,
      mining: { auto: false, interval: 0 },
      accounts: { count: 1 },
      loggingEnabled: false,
    },
  },
};
