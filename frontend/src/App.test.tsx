import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { App } from "./App";
import { ErrorBoundary } from "./components/ErrorBoundary";
import { fakeFetch, json, makeJob, succeededJob } from "./test/fixtures";
import { renderWithApi } from "./test/render";

describe("App", () => {
  it("lists the caller's jobs newest first with their states", async () => {
    const older = succeededJob({ prompt: "older song", created_at: "2026-11-26T08:00:00Z" });
    const newer = makeJob({ prompt: "newer song", status: "PARSING", created_at: "2026-11-26T09:00:00Z" });
    const { fetch } = fakeFetch(() => json(200, { jobs: [older, newer], next_cursor: null }));
    renderWithApi(<App />, fetch);
    const list = await screen.findByRole("list", { name: "Jobs, newest first" });
    const cards = await within(list).findAllByRole("article");
    expect(cards.map((card) => within(card).getByRole("heading").textContent)).toEqual(["newer song", "older song"]);
    expect(within(cards[0] as HTMLElement).getByTestId("job-status")).toHaveTextContent("Parsing");
    expect(screen.getByText("2 jobs, 1 running")).toBeInTheDocument();
  });

  it("shows an API error as a message instead of an empty page", async () => {
    const { fetch } = fakeFetch(() =>
      json(401, { error: { code: "unauthorized", message: "An API key is required.", details: null } }),
    );
    renderWithApi(<App />, fetch);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not refresh the queue; trying again in 2 s");
    expect(alert).toHaveTextContent("An API key is required.");
    expect(screen.getByRole("button", { name: "Generate" })).toBeInTheDocument();
  });

  it("puts a new job at the top of the queue as soon as it is created", async () => {
    const created = makeJob({ prompt: "fresh idea", status: "QUEUED", created_at: "2026-11-26T11:00:00Z" });
    const { fetch } = fakeFetch((call) => {
      if (call.method === "POST") return json(202, created);
      if (call.url === `/jobs/${created.id}`) return json(200, created);
      return json(200, { jobs: [], next_cursor: null });
    });
    renderWithApi(<App />, fetch);
    expect(await screen.findByText("No jobs yet. Describe a track above and press Generate.")).toBeInTheDocument();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Prompt"), "fresh idea");
    await user.click(screen.getByRole("button", { name: "Generate" }));
    const card = await screen.findByRole("article", { name: "fresh idea" });
    expect(within(card).getByTestId("job-status")).toHaveTextContent("Queued");
  });
});

describe("ErrorBoundary", () => {
  it("replaces a crashed part with a message and a way to try again", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    let crash = true;
    function Fragile() {
      if (crash) throw new Error("spec.instruments is undefined");
      return <p>recovered</p>;
    }
    render(
      <ErrorBoundary label="The queue failed to render">
        <Fragile />
      </ErrorBoundary>,
    );
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("The queue failed to render");
    expect(alert).toHaveTextContent("spec.instruments is undefined");
    crash = false;
    await userEvent.setup().click(screen.getByRole("button", { name: "Try again" }));
    expect(screen.getByText("recovered")).toBeInTheDocument();
  });
});
