import { useId, useRef, useState } from "react";
import { ApiError } from "../api/client";
import { useApi } from "../api/context";
import type { Edit, Job, MasterPreset } from "../api/types";
import { ErrorMessage } from "./ErrorMessage";

const PRESETS: MasterPreset[] = ["streaming", "club", "broadcast"];

type Busy = Edit["kind"] | null;

/** The roles a finished job has stems for, in the order the spec lists its instruments. */
function rolesOf(job: Job): string[] {
  const excluded = new Set(job.spec?.excluded_roles ?? []);
  const roles: string[] = [];
  for (const instrument of job.spec?.instruments ?? []) {
    if (!excluded.has(instrument.role) && !roles.includes(instrument.role)) roles.push(instrument.role);
  }
  return roles;
}

/**
 * Edits of a finished job: each button makes a new job (the child) that reuses every stem the edit
 * leaves alone; the child appears in the queue through `onCreated`. One Idempotency-Key per edit
 * attempt, kept across a retried click, so a double submit makes one child.
 */
export function EditPanel({ job, onCreated }: { job: Job; onCreated(job: Job): void }) {
  const api = useApi();
  const roles = rolesOf(job);
  const [role, setRole] = useState(roles.includes("bass") ? "bass" : (roles[0] ?? ""));
  const [instrument, setInstrument] = useState("");
  const [bars, setBars] = useState(8);
  const [before, setBefore] = useState(false);
  const [preset, setPreset] = useState<MasterPreset>(job.options.master_preset === "club" ? "streaming" : "club");
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [made, setMade] = useState<string | null>(null);
  const keys = useRef(new Map<string, string>());
  const ids = { role: useId(), instrument: useId(), bars: useId(), before: useId(), preset: useId() };

  const submit = async (edit: Edit) => {
    const signature = JSON.stringify(edit);
    let key = keys.current.get(signature);
    if (!key) {
      key = crypto.randomUUID();
      keys.current.set(signature, key);
    }
    setBusy(edit.kind);
    setError(null);
    try {
      const child = await api.createEdit(job.id, edit, key);
      keys.current.delete(signature);
      setMade(child.id);
      onCreated(child);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, "unexpected", String(caught)));
    } finally {
      setBusy(null);
    }
  };

  const swap: Edit = instrument.trim()
    ? { kind: "swap", role: role as Extract<Edit, { kind: "swap" }>["role"], instrument: instrument.trim() }
    : { kind: "swap", role: role as Extract<Edit, { kind: "swap" }>["role"] };

  return (
    <section className="result-section edit-panel" aria-label="Edit this song">
      <h4>Edit this song</h4>
      <p className="muted small">Each edit is a new job; this one stays as it is, and untouched stems are reused.</p>
      <div className="edit-panel__row">
        <button type="button" className="button" disabled={busy !== null} onClick={() => void submit({ kind: "variation" })}>
          {busy === "variation" ? "Starting…" : "Variation"}
        </button>
      </div>
      <div className="edit-panel__row">
        <label htmlFor={ids.role}>Stem</label>
        <select id={ids.role} value={role} onChange={(event) => setRole(event.target.value)}>
          {roles.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <label htmlFor={ids.instrument}>Instrument</label>
        <input
          id={ids.instrument}
          value={instrument}
          placeholder="same, new part"
          maxLength={64}
          onChange={(event) => setInstrument(event.target.value)}
        />
        <button type="button" className="button" disabled={busy !== null || !role} onClick={() => void submit(swap)}>
          {busy === "swap" ? "Starting…" : "Swap stem"}
        </button>
      </div>
      <div className="edit-panel__row">
        <label htmlFor={ids.bars}>Bars</label>
        <input
          id={ids.bars}
          type="number"
          min={1}
          max={64}
          value={bars}
          onChange={(event) => setBars(Number(event.target.value))}
        />
        <input id={ids.before} type="checkbox" checked={before} onChange={(event) => setBefore(event.target.checked)} />
        <label htmlFor={ids.before}>before the start</label>
        <button
          type="button"
          className="button"
          disabled={busy !== null}
          onClick={() => void submit({ kind: "extend", bars, before })}
        >
          {busy === "extend" ? "Starting…" : "Extend"}
        </button>
      </div>
      <div className="edit-panel__row">
        <label htmlFor={ids.preset}>Preset</label>
        <select id={ids.preset} value={preset} onChange={(event) => setPreset(event.target.value as MasterPreset)}>
          {PRESETS.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button"
          disabled={busy !== null}
          onClick={() => void submit({ kind: "remaster", master_preset: preset })}
        >
          {busy === "remaster" ? "Starting…" : "Remaster"}
        </button>
      </div>
      {made ? (
        <p className="muted small" role="status">
          Edit queued as job {made.slice(0, 8)}.
        </p>
      ) : null}
      {error ? <ErrorMessage error={error} title="Could not start the edit" /> : null}
    </section>
  );
}
