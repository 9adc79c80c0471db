import fs from "node:fs";
import { parseArgs } from "node:util";
import * as tus from "tus-js-client";
import { finalUploadRefusal } from "#app/api/upload-refusal.ts";
import type { CliCommand } from "./command.ts";

/**
 * `bidhall submit --server URL --token TOKEN --section ID --envelope FILE.p7m --digest HEX`:
 * uploads an offline-sealed bid over tus (resuming after interruptions) and prints the receipt
 * the platform signed at once; `--receipt FILE` also writes the receipt JWS there.
 */
export const submitCommand: CliCommand = {
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        server: { type: "string" },
        token: { type: "string" },
        section: { type: "string" },
        envelope: { type: "string" },
        digest: { type: "string" },
        receipt: { type: "string" },
        "security-kind": { type: "string" },
        "security-reference": { type: "string" },
      },
      strict: true,
    });
    const token = values.token ?? process.env.BIDHALL_TOKEN;
    const { server, section, envelope, digest } = values;
    if (!server || !token || !section || !envelope || !digest)
      throw new Error("usage: bidhall submit --server URL --token TOKEN --section ID --envelope FILE.p7m --digest HEX");
    const size = fs.statSync(envelope).size;
    const body = await new Promise<string>((resolve, reject) => {
      const upload = new tus.Upload(fs.createReadStream(envelope), {
        endpoint: new URL("/api/uploads", server).href,
        uploadSize: size,
        chunkSize: 8 * 1024 * 1024,
        retryDelays: [0, 1000, 3000, 5000, 10000],
        metadata: {
          sectionId: section,
          packageDigest: digest.toLowerCase(),
          filename: "bid.p7m",
          // The bid security as declared in bid.json, for the guarantee check at the opening (decision 16).
          ...(values["security-kind"]
            ? { securityKind: values["security-kind"], securityReference: values["security-reference"] ?? "" }
            : {}),
        },
        headers: { authorization: `Bearer ${token}`, "accept-language": "zh-CN" },
        // Our refusals (`{ error: { code, message } }`: deadline passed, wrong recipients…) are final;
        // a stale offset after a cut connection is resumed (app/api/upload-refusal.ts).
        onShouldRetry: (e) => {
          const res = (e as tus.DetailedError).originalResponse;
          return finalUploadRefusal(res?.getStatus(), res?.getBody()) === null;
        },
        onError: (e) => {
          const res = (e as tus.DetailedError).originalResponse;
          let message = e.message;
          try {
            message = (JSON.parse(res?.getBody() ?? "") as { error: { message: string } }).error.message;
          } catch {
            // not one of ours: keep tus's message
          }
          reject(new Error(`the upload was refused${res ? ` (${res.getStatus()})` : ""}: ${message}`));
        },
        onSuccess: (payload) => resolve(payload.lastResponse.getBody() ?? ""),
      });
      upload.start();
    });
    const { receipt, receiptJws } = JSON.parse(body) as { receipt: Record<string, unknown>; receiptJws: string };
    if (values.receipt) fs.writeFileSync(values.receipt, receiptJws);
    console.log(
      `receipt ${receipt.receiptNo}: version ${receipt.version}, ${receipt.size} bytes, envelope SHA-256 ${receipt.envelopeSha256}, received ${receipt.receivedAt}`,
    );
    console.log(receiptJws);
  },
};
