import { useId, useRef, useState, type DragEvent } from "react";
import { checkReferenceFile, REFERENCE_ACCEPT } from "../lib/validation";
import { formatBytes } from "../lib/jobs";

export interface ReferenceFile {
  file: File;
  contentType: string;
}

interface Props {
  value: ReferenceFile | null;
  onChange(value: ReferenceFile | null): void;
  disabled?: boolean;
}

/** A drop zone (and file picker) for a reference track; rejects wrong types and sizes before upload. */
export function ReferenceUpload({ value, onChange, disabled = false }: Props) {
  const inputId = useId();
  const messageId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const take = (file: File | undefined) => {
    if (!file) return;
    const check = checkReferenceFile(file);
    if (!check.ok || !check.contentType) {
      setProblem(check.message ?? "That file cannot be used.");
      onChange(null);
      if (inputRef.current) inputRef.current.value = "";
      return;
    }
    setProblem(null);
    onChange({ file, contentType: check.contentType });
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    if (disabled) return;
    take(event.dataTransfer.files[0]);
  };

  return (
    <div className="reference">
      <div
        className={`dropzone${dragging ? " dropzone--over" : ""}`}
        data-testid="reference-dropzone"
        onDragOver={(event) => {
          event.preventDefault();
          if (!disabled) setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <label htmlFor={inputId} className="dropzone__label">
          Reference track <span className="muted">(optional: WAV, FLAC, OGG, MP3 or AIFF, up to 50 MB)</span>
        </label>
        <input
          ref={inputRef}
          id={inputId}
          type="file"
          accept={REFERENCE_ACCEPT}
          disabled={disabled}
          aria-describedby={messageId}
          onChange={(event) => take(event.target.files?.[0])}
        />
        <p className="dropzone__hint muted">…or drop a file here.</p>
      </div>
      <div id={messageId} aria-live="polite">
        {problem ? (
          <p className="field-error" role="alert">
            {problem}
          </p>
        ) : value ? (
          <p className="reference__chosen">
            <span>
              {value.file.name} <span className="muted">{formatBytes(value.file.size)}</span>
            </span>
            <button
              type="button"
              className="button button--small"
              disabled={disabled}
              onClick={() => {
                onChange(null);
                if (inputRef.current) inputRef.current.value = "";
              }}
            >
              Remove
            </button>
          </p>
        ) : null}
      </div>
    </div>
  );
}
