import { useRef } from "react";
import type { Job } from "../api/types";
import type { JobQueue } from "../hooks/useJobQueue";
import { useNow } from "../hooks/useNow";
import { isActive } from "../lib/jobs";
import { ErrorMessage } from "./ErrorMessage";
import { JobCard } from "./JobCard";

export function Queue({ queue, watched }: { queue: JobQueue; watched: ReadonlySet<string> }) {
  const anyActive = queue.jobs.some(isActive);
  const now = useNow(anyActive);
  // Jobs seen running in this tab open their result when they finish.
  const seenActive = useRef(new Set<string>());
  for (const job of queue.jobs) if (isActive(job)) seenActive.current.add(job.id);
  const running = queue.jobs.filter(isActive).length;

  return (
    <section className="panel queue" aria-labelledby="queue-title">
      <div className="queue__head">
        <h2 id="queue-title">Generation Queue</h2>
        <span className="muted small" aria-live="polite">
          {queue.loaded ? `${queue.jobs.length} job${queue.jobs.length === 1 ? "" : "s"}${running ? `, ${running} running` : ""}` : "Loading…"}
        </span>
      </div>
      {queue.pollError ? (
        <ErrorMessage
          error={queue.pollError}
          title={
            queue.nextPollMs !== null
              ? `Could not refresh the queue; trying again in ${Math.round(queue.nextPollMs / 1000)} s`
              : "Could not refresh the queue"
          }
        />
      ) : null}
      {queue.loaded && queue.jobs.length === 0 ? (
        <p className="muted empty">No jobs yet. Describe a track above and press Generate.</p>
      ) : null}
      <ul className="queue__list" aria-label="Jobs, newest first">
        {queue.jobs.map((job: Job, index) => (
          <li key={job.id}>
            <JobCard
              job={job}
              now={now}
              initiallyOpen={watched.has(job.id) || seenActive.current.has(job.id) || (index === 0 && job.status === "SUCCEEDED")}
              onChanged={queue.upsert}
              onDeleted={queue.remove}
            />
          </li>
        ))}
      </ul>
      {queue.nextCursor ? (
        <button type="button" className="button queue__more" disabled={queue.loadingMore} onClick={() => void queue.loadMore()}>
          {queue.loadingMore ? "Loading…" : "Show older jobs"}
        </button>
      ) : null}
    </section>
  );
}
