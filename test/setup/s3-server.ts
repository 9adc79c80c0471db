import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";

/**
 * An S3-protocol server for tests (npm `s3rver`, files under a temporary directory): path-style
 * addressing on 127.0.0.1, its fixed credentials S3RVER/S3RVER, the buckets named already made.
 * s3rver stores what it receives and does not verify request checksums itself, so the tests check
 * our own SHA-256 against the bytes read back.
 */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

export interface TestS3Server {
  endpoint: string;
  directory: string;
  stop(): Promise<void>;
}

export async function startS3Server(buckets: string[], port = 0): Promise<TestS3Server> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "bidhall-s3-"));
  const server = new S3rver({
    port,
    address: "127.0.0.1",
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const address = (await server.run()) as unknown as { port: number };
  let stopped = false;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    directory,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
