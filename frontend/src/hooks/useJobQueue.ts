import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, type ApiClient } from "../api/client";
import type { Job } from "../api/types";
import { isActive, mergeJobs } from "../lib/jobs";
import { afterPoll, DEFAULT_POLICY, nextDelayMs, type PollPolicy, type PollState } from "../lib/polling";

export const PAGE_SIZE = 20;

export interface JobQueue {
  jobs: Job[];
  loaded: boolean;
  nextCursor: string | null;
  pollError: ApiError | null;
  nextPollMs: number | null;
  loadingMore: boolean;
  upsert(job: Job): void;
  remove(id: string): void;
  loadMore(): Promise<void>;
  refreshNow(): void;
}

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, "unexpected", error instanceof Error ? error.message : String(error));
}

/**
 * The caller's jobs, newest first, kept fresh by polling: every second while a job runs, backing
 * off to 30 s when idle, longer after errors, and not at all while the tab is hidden.
 */
export function useJobQueue(api: ApiClient, policy: PollPolicy = DEFAULT_POLICY): JobQueue {
  const [jobs, setJobs] = useState<Job[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [pollError, setPollError] = useState<ApiError | null>(null);
  const [nextPollMs, setNextPollMs] = useState<number | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  const jobsRef = useRef<Job[]>([]);
  const stateRef = useRef<PollState>({ idleStreak: 0, errorStreak: 0 });
  const timerRef = useRef<ReturnType<typeof setTimeout> | null>(null);
  const inFlightRef = useRef(false);
  const cursorLoadedRef = useRef(false);
  const removedRef = useRef(new Set<string>());
  const mountedRef = useRef(true);

  const apply = useCallback((next: Job[]) => {
    jobsRef.current = next;
    setJobs(next);
  }, []);

  const schedule = useCallback(
    (delayMs: number, poll: () => void) => {
      if (timerRef.current) clearTimeout(timerRef.current);
      timerRef.current = null;
      if (typeof document !== "undefined" && document.hidden) {
        setNextPollMs(null);
        return;
      }
      setNextPollMs(delayMs);
      timerRef.current = setTimeout(poll, delayMs);
    },
    [],
  );

  const poll = useCallback(async () => {
    if (inFlightRef.current || !mountedRef.current) return;
    inFlightRef.current = true;
    let ok = true;
    try {
      const page = await api.listJobs(PAGE_SIZE);
      const seen = new Set(page.jobs.map((job) => job.id));
      // Jobs still running below the first page are polled one by one.
      const stragglers = jobsRef.current.filter((job) => isActive(job) && !seen.has(job.id));
      const refreshed = await Promise.all(
        stragglers.map((job) =>
          api.getJob(job.id).catch((error: unknown) => {
            if (error instanceof ApiError && error.status === 404) {
              removedRef.current.add(job.id);
              return null;
            }
            throw error;
          }),
        ),
      );
      if (!mountedRef.current) return;
      const incoming = [...page.jobs, ...refreshed.filter((job): job is Job => job !== null)].filter(
        (job) => !removedRef.current.has(job.id),
      );
      const merged = mergeJobs(jobsRef.current, incoming).filter((job) => !removedRef.current.has(job.id));
      apply(merged);
      if (!cursorLoadedRef.current) setNextCursor(page.next_cursor ?? null);
      setPollError(null);
      setLoaded(true);
    } catch (error) {
      ok = false;
      if (mountedRef.current) setPollError(asApiError(error));
    } finally {
      inFlightRef.current = false;
    }
    if (!mountedRef.current) return;
    const anyActive = jobsRef.current.some(isActive);
    stateRef.current = afterPoll(stateRef.current, { ok, anyActive });
    schedule(nextDelayMs(stateRef.current, anyActive, policy), () => void poll());
  }, [api, apply, policy, schedule]);

  const refreshNow = useCallback(() => {
    stateRef.current = { idleStreak: 0, errorStreak: 0 };
    if (inFlightRef.current) return;
    if (timerRef.current) clearTimeout(timerRef.current);
    void poll();
  }, [poll]);

  useEffect(() => {
    mountedRef.current = true;
    void poll();
    const onVisibility = () => {
      if (document.hidden) {
        if (timerRef.current) clearTimeout(timerRef.current);
        timerRef.current = null;
        setNextPollMs(null);
      } else {
        refreshNow();
      }
    };
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      mountedRef.current = false;
      document.removeEventListener("visibilitychange", onVisibility);
      if (timerRef.current) clearTimeout(timerRef.current);
    };
  }, [poll, refreshNow]);

  const upsert = useCallback(
    (job: Job) => {
      removedRef.current.delete(job.id);
      apply(mergeJobs(jobsRef.current, [job]));
      if (isActive(job)) refreshNow();
    },
    [apply, refreshNow],
  );

  const remove = useCallback(
    (id: string) => {
      removedRef.current.add(id);
      apply(jobsRef.current.filter((job) => job.id !== id));
    },
    [apply],
  );

  const loadMore = useCallback(async () => {
    if (!nextCursor) return;
    setLoadingMore(true);
    try {
      const page = await api.listJobs(PAGE_SIZE, nextCursor);
      cursorLoadedRef.current = true;
      apply(mergeJobs(jobsRef.current, page.jobs.filter((job) => !removedRef.current.has(job.id))));
      setNextCursor(page.next_cursor ?? null);
      setPollError(null);
    } catch (error) {
      setPollError(asApiError(error));
    } finally {
      setLoadingMore(false);
    }
  }, [api, apply, nextCursor]);

  return { jobs, loaded, nextCursor, pollError, nextPollMs, loadingMore, upsert, remove, loadMore, refreshNow };
}
