import type { ApiError } from "../api/client";

export function ErrorMessage({ error, title }: { error: ApiError; title: string }) {
  const fields = error.fieldMessages();
  return (
    <div className="error-box" role="alert">
      <p className="error-box__title">{title}</p>
      <p>{error.message}</p>
      {fields.length > 0 ? (
        <ul>
          {fields.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      ) : null}
      {error.code && error.status ? (
        <p className="muted error-box__code">
          {error.status} · {error.code}
        </p>
      ) : null}
    </div>
  );
}
