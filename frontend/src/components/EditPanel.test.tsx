import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { fakeFetch, json, makeJob, succeededJob } from "../test/fixtures";
import { renderWithApi } from "../test/render";
import { ABPlayer } from "./ABPlayer";
import { EditPanel } from "./EditPanel";

describe("EditPanel", () => {
  it("posts each button's edit to the job's edits route and hands the child on", async () => {
    const parent = succeededJob();
    const child = makeJob({ parent_id: parent.id, edit: { kind: "swap", role: "bass", instrument: "808" } });
    const { fetch, calls } = fakeFetch(() => json(202, child));
    const onCreated = vi.fn();
    renderWithApi(<EditPanel job={parent} onCreated={onCreated} />, fetch);
    const user = userEvent.setup();

    fireEvent.change(screen.getByLabelText("Instrument"), { target: { value: "808" } });
    await user.click(screen.getByRole("button", { name: "Swap stem" }));
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith(expect.objectContaining({ id: child.id })));
    expect(calls[0]).toMatchObject({
      method: "POST",
      url: `/jobs/${parent.id}/edits`,
      body: { kind: "swap", role: "bass", instrument: "808" },
    });
    expect(calls[0]?.headers["idempotency-key"]).toMatch(/[0-9a-f-]{36}/);
    expect(screen.getByRole("status")).toHaveTextContent(`job ${child.id.slice(0, 8)}`);

    await user.click(screen.getByRole("button", { name: "Variation" }));
    fireEvent.change(screen.getByLabelText("Bars"), { target: { value: "4" } });
    await user.click(screen.getByLabelText("before the start"));
    await user.click(screen.getByRole("button", { name: "Extend" }));
    await user.selectOptions(screen.getByLabelText("Preset"), "broadcast");
    await user.click(screen.getByRole("button", { name: "Remaster" }));
    await waitFor(() => expect(calls).toHaveLength(4));
    expect(calls.slice(1).map((call) => call.body)).toEqual([
      { kind: "variation" },
      { kind: "extend", bars: 4, before: true },
      { kind: "remaster", master_preset: "broadcast" },
    ]);
  }, 20_000);

  it("shows the API's reason when an edit is refused, and retries with the same key", async () => {
    const parent = succeededJob();
    const { fetch, calls } = fakeFetch(() =>
      json(409, { error: { code: "conflict", message: "the parent's rendered drums stem(s) are gone", details: null } }),
    );
    renderWithApi(<EditPanel job={parent} onCreated={vi.fn()} />, fetch);
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Swap stem" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("rendered drums stem(s) are gone");
    await user.click(screen.getByRole("button", { name: "Swap stem" }));
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls[1]?.headers["idempotency-key"]).toBe(calls[0]?.headers["idempotency-key"]);
  });
});

describe("ABPlayer", () => {
  it("switches between the original and the edit at the same position", async () => {
    const parent = succeededJob();
    const child = succeededJob({ parent_id: parent.id, edit: { kind: "variation" } });
    const { fetch } = fakeFetch(() => json(200, parent));
    const play = vi.spyOn(HTMLMediaElement.prototype, "play").mockImplementation(function (this: HTMLMediaElement) {
      Object.defineProperty(this, "paused", { configurable: true, value: false });
      return Promise.resolve();
    });
    const pause = vi.spyOn(HTMLMediaElement.prototype, "pause").mockImplementation(function (this: HTMLMediaElement) {
      Object.defineProperty(this, "paused", { configurable: true, value: true });
    });
    renderWithApi(<ABPlayer parentId={parent.id} child={child} />, fetch);
    const a = (await screen.findByTestId("ab-a")) as HTMLAudioElement;
    const b = screen.getByTestId("ab-b") as HTMLAudioElement;
    expect(a.getAttribute("src")).toContain(parent.id);
    expect(b.getAttribute("src")).toContain(child.id);

    fireEvent.click(screen.getByRole("button", { name: "Play" }));
    act(() => {
      b.currentTime = 12.5;
    });
    fireEvent.click(screen.getByRole("button", { name: "A: original" }));
    expect(a.currentTime).toBe(12.5);
    expect(pause).toHaveBeenCalled();
    expect(play).toHaveBeenCalledTimes(2);
    expect(screen.getByRole("button", { name: "A: original" })).toHaveAttribute("aria-pressed", "true");
    play.mockRestore();
    pause.mockRestore();
  });
});

describe("JobCard of an edit", () => {
  it("names the edit and its parent in the queue", async () => {
    const { JobCard } = await import("./JobCard");
    const child = makeJob({ status: "GENERATING", parent_id: "ab".repeat(16), edit: { kind: "replace_bars", start_bar: 3, end_bar: 4 } });
    const { fetch } = fakeFetch(() => json(200, child));
    renderWithApi(<JobCard job={child} now={Date.parse("2026-11-26T10:00:05Z")} onChanged={vi.fn()} onDeleted={vi.fn()} />, fetch);
    expect(screen.getByTestId("edit-of")).toHaveTextContent("replace bars of abababab");
  });
});
