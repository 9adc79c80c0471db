import type { ReactNode } from "react";

/** A labelled field with its errors, wired for screen readers. */
export function Field({
  id,
  label,
  hint,
  errors,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  errors?: string[] | undefined;
  children: ReactNode;
}) {
  return (
    <div className={`field${errors?.length ? " field--invalid" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      ) : null}
      <ErrorList id={`${id}-error`} errors={errors} />
    </div>
  );
}

export function ErrorList({ id, errors }: { id?: string; errors?: string[] | undefined }) {
  if (!errors?.length) return null;
  return (
    <ul id={id} className="errors" role="alert">
      {errors.map((e) => (
        <li key={e}>{e}</li>
      ))}
    </ul>
  );
}

/** The message of an AppError returned by an action (`{ error: { code, message } }`). */
export function FormError({ data }: { data: unknown }) {
  const error = (data as { error?: { code: string; message: string } } | undefined)?.error;
  if (!error) return null;
  return (
    <div className="alert alert--error" role="alert" data-error-code={error.code}>
      {error.message}
    </div>
  );
}
