import { act, renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiClient } from "../api/client";
import type { Job } from "../api/types";
import { fakeFetch, json, makeJob, type Call } from "../test/fixtures";
import { useJobQueue } from "./useJobQueue";

function setHidden(hidden: boolean) {
  Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
  document.dispatchEvent(new Event("visibilitychange"));
}

/** Milliseconds between consecutive list requests. */
function gaps(times: number[]): number[] {
  return times.slice(1).map((time, index) => time - (times[index] ?? 0));
}

function start(handler: (call: Call) => Response | Promise<Response>) {
  const times: number[] = [];
  const { fetch, calls } = fakeFetch((call) => {
    if (call.url.startsWith("/jobs?")) times.push(Date.now());
    return handler(call);
  });
  const client = new ApiClient({ fetchImpl: fetch });
  const hook = renderHook(() => useJobQueue(client));
  return { hook, times, calls };
}

async function advance(ms: number) {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
}

describe("useJobQueue polling", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    setHidden(false);
  });
  afterEach(() => {
    vi.useRealTimers();
    setHidden(false);
  });

  it("polls every second while a job runs, then backs off while idle", async () => {
    const job = makeJob({ status: "GENERATING", progress: 0.3 });
    let polls = 0;
    const { hook, times } = start(() => {
      polls += 1;
      const status: Job["status"] = polls <= 3 ? "GENERATING" : "SUCCEEDED";
      return json(200, { jobs: [{ ...job, status }], next_cursor: null });
    });
    await advance(0);
    expect(hook.result.current.jobs[0]?.status).toBe("GENERATING");
    await advance(1000 * 3 + 3000 + 6000 + 12000);
    expect(hook.result.current.jobs[0]?.status).toBe("SUCCEEDED");
    expect(gaps(times)).toEqual([1000, 1000, 1000, 3000, 6000, 12000]);
    hook.unmount();
  });

  it("does not poll while the tab is hidden and refreshes at once when it shows again", async () => {
    const { hook, times } = start(() => json(200, { jobs: [makeJob({ status: "MIXING" })], next_cursor: null }));
    await advance(0);
    expect(times).toHaveLength(1);
    act(() => setHidden(true));
    await advance(60_000);
    expect(times).toHaveLength(1);
    expect(hook.result.current.nextPollMs).toBeNull();
    act(() => setHidden(false));
    await advance(0);
    expect(times).toHaveLength(2);
    await advance(1000);
    expect(times).toHaveLength(3);
    hook.unmount();
  });

  it("keeps the last jobs, reports the error and backs off when the API fails", async () => {
    let polls = 0;
    const job = makeJob({ status: "MIXING" });
    const { hook, times } = start(() => {
      polls += 1;
      if (polls === 1) return json(200, { jobs: [job], next_cursor: null });
      return json(503, { error: { code: "unavailable", message: "The job store is not answering.", details: null } });
    });
    await advance(0);
    await advance(1000 + 2000 + 4000);
    expect(gaps(times)).toEqual([1000, 2000, 4000]);
    expect(hook.result.current.pollError?.message).toBe("The job store is not answering.");
    expect(hook.result.current.nextPollMs).toBe(8000);
    expect(hook.result.current.jobs.map((item) => item.id)).toEqual([job.id]);
    hook.unmount();
  });

  it("follows a running job that fell off the first page by fetching it directly", async () => {
    const old = makeJob({ status: "MASTERING", created_at: "2026-11-25T10:00:00Z" });
    const recent = Array.from({ length: 3 }, () => makeJob({ status: "SUCCEEDED" }));
    let firstPage = true;
    const { hook, calls } = start((call) => {
      if (call.url === `/jobs/${old.id}`) return json(200, { ...old, status: "CHECKING" });
      if (call.url.includes("cursor=")) return json(200, { jobs: [old], next_cursor: null });
      const body = { jobs: recent, next_cursor: firstPage ? "c1" : "c1" };
      firstPage = false;
      return json(200, body);
    });
    await advance(0);
    await act(async () => {
      await hook.result.current.loadMore();
    });
    expect(hook.result.current.jobs.map((job) => job.id)).toContain(old.id);
    expect(hook.result.current.nextCursor).toBeNull();
    act(() => hook.result.current.refreshNow());
    await advance(0);
    expect(calls.some((call) => call.url === `/jobs/${old.id}`)).toBe(true);
    expect(hook.result.current.jobs.find((job) => job.id === old.id)?.status).toBe("CHECKING");
    hook.unmount();
  });

  it("adds a created job at the top at once and forgets a deleted one", async () => {
    const existing = makeJob({ status: "SUCCEEDED", created_at: "2026-11-26T09:00:00Z" });
    const created = makeJob({ status: "QUEUED", created_at: "2026-11-26T10:00:00Z" });
    const { hook } = start((call) =>
      call.url === `/jobs/${created.id}` ? json(200, created) : json(200, { jobs: [existing], next_cursor: null }),
    );
    await advance(0);
    act(() => hook.result.current.upsert(created));
    expect(hook.result.current.jobs.map((job) => job.id)).toEqual([created.id, existing.id]);
    act(() => hook.result.current.remove(existing.id));
    await advance(0);
    expect(hook.result.current.jobs.map((job) => job.id)).toEqual([created.id]);
    hook.unmount();
  });
});
