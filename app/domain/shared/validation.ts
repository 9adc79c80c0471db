import { z } from "zod";

/**
 * The outcome of checking user input against a rule: the normalised value, or one problem that
 * says precisely what is wrong. A result rather than an exception because bad input is expected
 * (forms, CSV imports), and because a problem is data the UI translates, not a message we write.
 */
export type Validation<T, P extends { kind: string }> = { ok: true; value: T } | { ok: false; problem: P };

/**
 * The shape of the zod issue raised by the schemas built with {@link schemaFromValidation}:
 *
 * ```ts
 * { code: "custom", message: "uscc.character", params: { character: "I", position: 9 }, input }
 * ```
 *
 * `message` is a stable translation key, `<namespace>.<problem kind>` (e.g. `uscc.length`,
 * `citizenId.birthDate`, `money.decimals`); `params` holds the problem's other fields, ready to
 * interpolate (`t(issue.message, issue.params)`). Keys never change meaning once shipped; a new
 * kind of problem gets a new key.
 */
export type ProblemIssueParams<P extends { kind: string }> = Omit<P, "kind">;

/** `{ kind: "length", length: 17 }` → `["uscc.length", { length: 17 }]` */
export function problemKey<P extends { kind: string }>(namespace: string, problem: P): [key: string, params: ProblemIssueParams<P>] {
  const { kind, ...params } = problem;
  return [`${namespace}.${kind}`, params];
}

/**
 * A zod schema (string in, normalised value out) from a validation function, so routes parse
 * forms with the very rule the domain enforces, and report its problem as a translatable issue
 * (see {@link ProblemIssueParams}).
 */
export function schemaFromValidation<T, P extends { kind: string }>(namespace: string, validate: (input: string) => Validation<T, P>) {
  return z.string().transform((input, ctx): T => {
    const result = validate(input);
    if (result.ok) return result.value;
    const [message, params] = problemKey(namespace, result.problem);
    ctx.addIssue({ code: "custom", message, params, input });
    return z.NEVER;
  });
}
