import { useState, type ReactNode } from "react";
import { useApi } from "../api/context";

/**
 * A download link. Presigned or local file URLs download directly; API endpoints that need the
 * caller's token (e.g. /jobs/{id}/stems.zip behind Cognito) are fetched with it and saved as a blob.
 */
export function DownloadLink({
  href,
  fileName,
  needsAuth = false,
  children,
}: {
  href: string;
  fileName: string;
  needsAuth?: boolean;
  children: ReactNode;
}) {
  const api = useApi();
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <>
      <a
        className="download"
        href={href}
        download={fileName}
        onClick={(event) => {
          if (!needsAuth || !api.authorizationHeader()) return;
          event.preventDefault();
          setProblem(null);
          api
            .downloadBlob(href)
            .then((blob) => {
              const url = URL.createObjectURL(blob);
              const anchor = document.createElement("a");
              anchor.href = url;
              anchor.download = fileName;
              anchor.click();
              setTimeout(() => URL.revokeObjectURL(url), 10_000);
            })
            .catch((error: unknown) => setProblem(error instanceof Error ? error.message : String(error)));
        }}
      >
        {children}
      </a>
      {problem ? (
        <span className="field-error" role="alert">
          {problem}
        </span>
      ) : null}
    </>
  );
}
