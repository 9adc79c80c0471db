import fs from "node:fs";
import { parseArgs } from "node:util";
import { openFile, sealFile } from "#app/server/envelope/index.server.ts";
import { CliError, type CliCommand } from "./command.ts";

/**
 * The offline tool's envelope commands (ARCHITECTURE.md §7): `seal` and `unseal`, streaming, so a
 * multi-GiB bid never sits in memory; `openssl cms` opens what `seal` makes and the reverse.
 * Nothing else is loaded for them, so they answer at once.
 */
function need<T>(value: T | undefined, flag: string): T {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) throw new CliError(`missing ${flag}`);
  return value;
}

export const envelopeCommands: Record<"seal" | "unseal", CliCommand> = {
  seal: {
    async run(args) {
      const { values } = parseArgs({
        args,
        options: { recipient: { type: "string", multiple: true }, in: { type: "string" }, out: { type: "string" } },
        strict: true,
      });
      const recipients = need(values.recipient, "--recipient CERT.pem").map((f) => fs.readFileSync(f));
      const result = await sealFile({ inPath: need(values.in, "--in FILE"), outPath: need(values.out, "--out FILE.p7m"), recipients });
      console.log(`sealed ${result.contentLength} bytes for ${result.recipients} recipient(s) into ${values.out}`);
    },
  },
  unseal: {
    async run(args) {
      const { values } = parseArgs({
        args,
        options: { key: { type: "string" }, cert: { type: "string" }, in: { type: "string" }, out: { type: "string" } },
        strict: true,
      });
      const result = await openFile({
        inPath: need(values.in, "--in FILE.p7m"),
        outPath: need(values.out, "--out FILE"),
        privateKey: fs.readFileSync(need(values.key, "--key KEY.pem")),
        certificate: fs.readFileSync(need(values.cert, "--cert CERT.pem")),
      });
      console.log(`opened ${result.contentLength} bytes into ${values.out}`);
    },
  },
};
