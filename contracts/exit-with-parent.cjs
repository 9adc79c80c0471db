/**
 * Preloaded into the embedded ledger node (`node --require exit-with-parent.cjs <hardhat cli>`,
 * app/server/ledger/node.server.ts): the node ends when the bidhall process that started it is
 * gone, also after a kill -9, which runs no exit handler in the parent. Two signals, either
 * enough: the parent holds the write end of this process's stdin, and the kernel closes it when
 * the parent dies (end of file); and the parent's pid, checked every second (a dead parent's
 * child is re-parented, so process.ppid changes).
 */
/* global process, setInterval */
"use strict";
const parent = Number(process.env.BIDHALL_LEDGER_PARENT_PID || 0);
const stop = () => process.exit(0);
if (process.stdin && !process.stdin.isTTY) {
  process.stdin.on("end", stop);
  process.stdin.on("error", stop);
  process.stdin.resume();
}
if (parent > 0) {
  setInterval(() => {
    if (process.ppid !== parent) return stop();
    try {
      process.kill(parent, 0);
    } catch (e) {
      if (e && e.code === "ESRCH") stop();
    }
  }, 1000).unref();
}
