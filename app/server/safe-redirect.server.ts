/**
 * The one check for every redirect target that comes from input (`redirectTo` of the login,
 * certificate login and language switch; anything added later): only a same-origin path is
 * followed, anything else falls back. An open redirect would let a phishing link bounce through
 * our login page to a look-alike site.
 *
 * A target is accepted only when it, and every form it decodes to (percent-decoding repeated until
 * it stops changing, since a browser or a proxy may decode once more), starts with exactly one `/`,
 * holds no `\` (browsers read it as `/`), no control or line-separator character (browsers drop a
 * tab or newline, turning `/\t/evil` into `//evil`), no `//` in its path, and resolves to our own
 * origin. A target that does not decode (a stray `%`) is refused too.
 */
const MAX_LENGTH = 2048;
const MAX_DECODE_ROUNDS = 5;
const ORIGIN = "http://bidhall.invalid";
// C0 controls, DEL, C1 controls, and the Unicode line and paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function acceptableForm(target: string): boolean {
  if (!target.startsWith("/") || target.startsWith("//")) return false;
  if (target.includes("\\") || CONTROL.test(target)) return false;
  const path = target.split(/[?#]/, 1)[0]!;
  return !path.includes("//");
}

/** The target when it is a safe same-origin path, otherwise `undefined`. */
export function sameOriginPath(target: unknown): string | undefined {
  if (typeof target !== "string" || target.length === 0 || target.length > MAX_LENGTH) return undefined;
  let form = target;
  for (let round = 0; ; round++) {
    if (!acceptableForm(form)) return undefined;
    let decoded: string;
    try {
      decoded = decodeURIComponent(form);
    } catch {
      return undefined;
    }
    if (decoded === form) break;
    if (round >= MAX_DECODE_ROUNDS) return undefined;
    form = decoded;
  }
  let url: URL;
  try {
    url = new URL(target, ORIGIN);
  } catch {
    return undefined;
  }
  if (url.origin !== ORIGIN) return undefined;
  return target;
}

/** `target` when {@link sameOriginPath} accepts it, else `fallback` (itself a fixed, safe path). */
export function safeRedirect(target: unknown, fallback = "/dashboard"): string {
  return sameOriginPath(target) ?? fallback;
}
