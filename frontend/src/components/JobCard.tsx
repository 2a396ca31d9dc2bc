import { useId, useState } from "react";
import { ApiError } from "../api/client";
import { useApi } from "../api/context";
import type { Job, JobStatus } from "../api/types";
import {
  elapsedSeconds,
  failureSentence,
  formatDuration,
  isActive,
  PIPELINE_STATUSES,
  STATUS_LABELS,
  statusOfStage,
} from "../lib/jobs";
import { ABPlayer } from "./ABPlayer";
import { EditPanel } from "./EditPanel";
import { ErrorBoundary } from "./ErrorBoundary";
import { ErrorMessage } from "./ErrorMessage";
import { JobResult } from "./JobResult";
import { advisorySuffix } from "./QAReportView";

const RUNNING_WORDS: Partial<Record<JobStatus, string>> = {
  QUEUED: "Waiting for a worker",
  PARSING: "Reading the prompt",
  ANALYZING: "Analysing",
  GENERATING: "Generating the parts",
  MIXING: "Mixing the stems",
  MASTERING: "Mastering",
  CHECKING: "Checking quality",
};

type StepState = "done" | "current" | "failed" | "pending";

function stepStates(job: Job): Record<JobStatus, StepState> {
  const states = {} as Record<JobStatus, StepState>;
  let reached: number;
  let endState: StepState = "current";
  if (job.status === "SUCCEEDED") {
    reached = PIPELINE_STATUSES.length;
  } else if (job.status === "FAILED" || job.status === "CANCELLED") {
    const where = statusOfStage(job.error?.stage ?? job.stage);
    reached = where ? PIPELINE_STATUSES.indexOf(where) : -1;
    endState = job.status === "FAILED" ? "failed" : "pending";
  } else {
    reached = PIPELINE_STATUSES.indexOf(job.status);
  }
  PIPELINE_STATUSES.forEach((status, index) => {
    states[status] = index < reached ? "done" : index === reached ? endState : "pending";
  });
  return states;
}

function StageTrack({ job }: { job: Job }) {
  const states = stepStates(job);
  return (
    <ol className="stages" aria-label="Pipeline stages">
      {PIPELINE_STATUSES.map((status) => (
        <li
          key={status}
          className={`stages__step stages__step--${states[status]}`}
          aria-current={states[status] === "current" ? "step" : undefined}
        >
          <span className="stages__label">{STATUS_LABELS[status]}</span>
          <span className="visually-hidden">
            {states[status] === "done" ? " (done)" : states[status] === "failed" ? " (failed)" : states[status] === "current" ? " (in progress)" : ""}
          </span>
        </li>
      ))}
    </ol>
  );
}

export interface JobCardProps {
  job: Job;
  now: number;
  initiallyOpen?: boolean;
  onChanged(job: Job): void;
  onDeleted(id: string): void;
}

type Action = "cancel" | "retry" | "delete" | null;

export function JobCard({ job, now, initiallyOpen = false, onChanged, onDeleted }: JobCardProps) {
  const api = useApi();
  const titleId = useId();
  const resultId = useId();
  const [busy, setBusy] = useState<Action>(null);
  const [actionError, setActionError] = useState<{ action: string; error: ApiError } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [open, setOpen] = useState(initiallyOpen);
  const active = isActive(job);
  const percent = job.status === "SUCCEEDED" ? 100 : Math.round(Math.max(0, Math.min(1, job.progress)) * 100);
  const elapsed = formatDuration(elapsedSeconds(job, now));

  const run = async (action: Exclude<Action, null>, call: () => Promise<void>) => {
    setBusy(action);
    setActionError(null);
    try {
      await call();
    } catch (error) {
      setActionError({ action, error: error instanceof ApiError ? error : new ApiError(0, "unexpected", String(error)) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <article className={`job-card job-card--${job.status}`} aria-labelledby={titleId} data-job-id={job.id} data-status={job.status}>
      <header className="job-card__header">
        <h3 id={titleId} className="job-card__prompt">
          {job.prompt}
        </h3>
        <span className={`badge badge--${job.status}`} data-testid="job-status" role="status" aria-live="polite">
          {STATUS_LABELS[job.status]}
        </span>
      </header>
      <StageTrack job={job} />
      <div className="job-card__progress">
        <div
          className="progress"
          role="progressbar"
          aria-label="Progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
        >
          <div className="progress__bar" style={{ transform: `scaleX(${percent / 100})` }} />
        </div>
        <span className="num job-card__percent">{percent}%</span>
        <span className="num job-card__elapsed" title={active ? "Time since the job was created" : "Time the job took"}>
          {elapsed}
        </span>
      </div>
      <p className="job-card__detail small">
        {job.status === "FAILED" ? (
          <span className="fail" data-testid="job-failure">
            {failureSentence(job)}
          </span>
        ) : job.status === "CANCELLED" ? (
          <span className="muted">Cancelled after {elapsed}.</span>
        ) : job.status === "SUCCEEDED" ? (
          <span className="muted">
            Finished in {elapsed}
            {job.spec ? ` · ${job.spec.genre}, ${Math.round(job.spec.bpm)} BPM, ${job.spec.key} ${job.spec.mode}` : ""}
            {job.qa ? ` · QA ${job.qa.passed ? "passed" : "failed"}${advisorySuffix(job.qa)}` : ""}
          </span>
        ) : (
          <span className="muted">
            {RUNNING_WORDS[job.status] ?? STATUS_LABELS[job.status]}… · started{" "}
            {new Date(job.created_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })}
          </span>
        )}
        {job.parent_job_id ? <span className="muted"> · retry of {job.parent_job_id.slice(0, 8)}</span> : null}
        {job.parent_id ? (
          <span className="muted" data-testid="edit-of">
            {" "}
            · {job.edit?.kind.replace("_", " ") ?? "edit"} of {job.parent_id.slice(0, 8)}
          </span>
        ) : null}
      </p>
      {actionError ? <ErrorMessage error={actionError.error} title={`Could not ${actionError.action} the job`} /> : null}
      <div className="job-card__actions">
        {job.status === "SUCCEEDED" ? (
          <button
            type="button"
            className="button"
            aria-expanded={open}
            aria-controls={resultId}
            onClick={() => setOpen((value) => !value)}
          >
            {open ? "Hide result" : "Show result"}
          </button>
        ) : null}
        {active ? (
          <button
            type="button"
            className="button"
            disabled={busy !== null}
            onClick={() => void run("cancel", async () => onChanged(await api.cancelJob(job.id)))}
          >
            {busy === "cancel" ? "Cancelling…" : "Cancel"}
          </button>
        ) : null}
        {job.status === "FAILED" || job.status === "CANCELLED" ? (
          <button
            type="button"
            className="button"
            disabled={busy !== null}
            onClick={() => void run("retry", async () => onChanged(await api.retryJob(job.id)))}
          >
            {busy === "retry" ? "Retrying…" : "Retry"}
          </button>
        ) : null}
        {!active ? (
          confirmDelete ? (
            <>
              <button
                type="button"
                className="button button--danger"
                disabled={busy !== null}
                onClick={() =>
                  void run("delete", async () => {
                    await api.deleteJob(job.id);
                    onDeleted(job.id);
                  })
                }
              >
                {busy === "delete" ? "Deleting…" : "Delete for good"}
              </button>
              <button type="button" className="button" onClick={() => setConfirmDelete(false)}>
                Keep
              </button>
            </>
          ) : (
            <button type="button" className="button button--quiet" onClick={() => setConfirmDelete(true)}>
              Delete
            </button>
          )
        ) : null}
      </div>
      {job.status === "SUCCEEDED" && open ? (
        <div id={resultId}>
          <ErrorBoundary label="This job's result could not be shown">
            <JobResult job={job} />
            {job.parent_id ? <ABPlayer parentId={job.parent_id} child={job} /> : null}
            {/* A whole-mix job has no stems or score to edit (the API refuses such edits). */}
            {job.stems_unavailable ? null : <EditPanel job={job} onCreated={onChanged} />}
          </ErrorBoundary>
        </div>
      ) : null}
    </article>
  );
}
