/**
 * How an upload client (the sealing page, `bidhall submit`) reads a refused tus request. Our
 * endpoint answers every refusal as `{ error: { code, message } }` (app/web/uploads.server.ts), and
 * most are final: the deadline has passed, the envelope has the wrong recipients, the upload is
 * not the person's. Two are not. tus's own offset conflict (409) and a locked upload (423), which
 * the endpoint words as UPLOAD_PROTOCOL_ERROR, mean only that the client's idea of the offset is
 * stale — typically after a connection cut half-way, when the browser re-sends the same PATCH to
 * another instance that already holds the bytes the first one wrote (decision 80). tus resumes
 * such an upload by asking the server for its offset (HEAD) and sending the rest.
 */
export interface UploadRefusal {
  code: string;
  message: string;
}

/** Our refusal in a tus answer's body, or null when the body is not one (a network error, a proxy's page). */
export function uploadRefusalOf(body: string | null | undefined): UploadRefusal | null {
  try {
    const parsed = JSON.parse(body ?? "") as { error?: { code?: unknown; message?: unknown } };
    const e = parsed?.error;
    return e && typeof e.code === "string" && typeof e.message === "string" ? { code: e.code, message: e.message } : null;
  } catch {
    return null;
  }
}

/** The refusal to show and stop at, or null when tus should retry (and so resume from the server's offset). */
export function finalUploadRefusal(status: number | undefined, body: string | null | undefined): UploadRefusal | null {
  const refusal = uploadRefusalOf(body);
  if (!refusal) return null;
  if (refusal.code === "UPLOAD_PROTOCOL_ERROR" && (status === 409 || status === 423)) return null;
  return refusal;
}
