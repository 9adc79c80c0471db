import { openFile, sealFile } from "#app/server/envelope/index.server.ts";
import fs from "node:fs";

/** Child process of the envelope benchmark: time sealFile/openFile alone, without CLI start-up. */
const [what, a, b, key, cert] = process.argv.slice(2) as [string, string, string, string, string];
const start = process.hrtime.bigint();
if (what === "seal") await sealFile({ inPath: a, outPath: b, recipients: [fs.readFileSync(cert)] });
else await openFile({ inPath: a, outPath: b, privateKey: fs.readFileSync(key), certificate: fs.readFileSync(cert) });
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ seconds, peakMiB: process.resourceUsage().maxRSS / 1024 }));
