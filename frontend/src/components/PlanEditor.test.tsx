import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useCallback, useState } from "react";
import { describe, expect, it, vi } from "vitest";
import type { Job } from "../api/types";
import { draftsFrom } from "../lib/plan";
import { PlanOfferProvider, type PlanOffer } from "../lib/planOffer";
import { fakeFetch, json, makeJob, SPEC, succeededJob } from "../test/fixtures";
import { renderWithApi } from "../test/render";
import { PlanEditor, ReusePlanButton } from "./PlanEditor";
import { PromptForm } from "./PromptForm";
import { SpecView } from "./SpecView";

function setup(handler: Parameters<typeof fakeFetch>[0] = () => json(202, makeJob())) {
  const { fetch, calls } = fakeFetch(handler);
  const onCreated = vi.fn();
  const user = userEvent.setup();
  renderWithApi(<PromptForm onCreated={onCreated} />, fetch);
  return { user, calls, onCreated };
}

function names(): string[] {
  return screen.getAllByRole("combobox", { name: /^Section \d+ name$/ }).map((input) => (input as HTMLInputElement).value);
}

function total(): string {
  return screen.getByTestId("plan-total").textContent ?? "";
}

async function openPlan(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByText("Section plan"));
  await user.click(screen.getByRole("button", { name: "Write a section plan" }));
}

// Each test types into a whole form; on a loaded 2-core runner that can pass the default 5 s.
describe("PlanEditor in the prompt form", { timeout: 20_000 }, () => {
  it("starts from a labelled default plan for the form's duration and tempo", async () => {
    const { user } = setup();
    await user.click(screen.getByText("Options"));
    await user.type(screen.getByLabelText("Duration (seconds)"), "48");
    await user.type(screen.getByLabelText("Tempo (BPM)"), "120");
    await openPlan(user);
    expect(screen.getByTestId("plan-origin")).toHaveTextContent("A default plan for 48 s at 120 BPM in 4/4");
    expect(names()).toEqual(["intro", "groove", "drop", "outro"]);
    expect(total()).toBe("4 / 32 sections · 24 bars · 0:48 of 10:00 at 120 BPM in 4/4 (your tempo)");
    expect(screen.getAllByTestId("section-start").map((item) => item.textContent)).toEqual([
      "bar 1 · 0:00",
      "bar 5 · 0:08",
      "bar 13 · 0:24",
      "bar 21 · 0:40",
    ]);
  });

  it("adds, removes and reorders sections and keeps the total live", async () => {
    const { user } = setup();
    await openPlan(user); // no tempo in the form: 60 s at the assumed 120 BPM = 30 bars
    expect(names()).toEqual(["intro", "groove", "drop", "outro"]);
    expect(total()).toMatch(/^4 \/ 32 sections · 30 bars · 1:00 of 10:00 at 120 BPM in 4\/4 \(assumed/);

    await user.click(screen.getByRole("button", { name: "Add section" }));
    expect(names()).toEqual(["intro", "groove", "drop", "outro", "verse"]);
    expect(total()).toMatch(/^5 \/ 32 sections · 38 bars · 1:16 /);

    await user.click(screen.getByRole("button", { name: "Move section 5 up" }));
    expect(names()).toEqual(["intro", "groove", "drop", "verse", "outro"]);
    expect(screen.getByRole("button", { name: "Move section 1 up" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Move section 5 down" })).toBeDisabled();
    await user.click(screen.getByRole("button", { name: "Move section 1 down" }));
    expect(names()).toEqual(["groove", "intro", "drop", "verse", "outro"]);

    await user.click(screen.getByRole("button", { name: "Remove section 3" }));
    expect(names()).toEqual(["groove", "intro", "verse", "outro"]);
    expect(total()).toMatch(/^4 \/ 32 sections · 26 bars · 0:52 /);

    const bars = screen.getByRole("spinbutton", { name: "Section 1 bars" });
    await user.clear(bars);
    await user.type(bars, "16");
    expect(total()).toMatch(/· 34 bars · 1:08 /);
  });

  it("shows each limit beside its field as the user types and refuses to send", async () => {
    const { user, calls } = setup();
    await user.type(screen.getByLabelText("Prompt"), "long trance");
    await openPlan(user);
    const bars = screen.getByRole("spinbutton", { name: "Section 2 bars" });
    await user.clear(bars);
    await user.type(bars, "300");
    expect(bars).toHaveAttribute("aria-invalid", "true");
    expect(bars).toHaveAccessibleDescription("Bars must be between 1 and 256.");
    const name = screen.getByRole("combobox", { name: "Section 1 name" });
    await user.clear(name);
    expect(name).toHaveAccessibleDescription("Name the section.");
    await user.click(screen.getByRole("button", { name: "Generate" }));
    expect(calls).toHaveLength(0);
    await waitFor(() => expect(name).toHaveFocus());

    await user.type(name, "intro");
    await user.clear(bars);
    await user.type(bars, "256");
    // 4 + 256 + 12 + 6 = 278 bars at 120 BPM = 9:16; a second long section goes past 10 minutes.
    expect(total()).toMatch(/278 bars · 9:16 of 10:00/);
    const drop = screen.getByRole("spinbutton", { name: "Section 3 bars" });
    await user.clear(drop);
    await user.type(drop, "40");
    // No tempo stated: the server takes the plan and raises the tempo (it checks at 220 BPM); say so.
    expect(screen.queryByTestId("plan-error")).toBeNull();
    expect(screen.getByTestId("plan-note")).toHaveTextContent("At 120 BPM this plan lasts 10:12: AMP will raise the tempo until it fits 10:00.");
    // With the tempo stated the server checks at that tempo, and so does the editor.
    await user.click(screen.getByText("Options"));
    await user.type(screen.getByLabelText("Tempo (BPM)"), "120");
    expect(screen.getByTestId("plan-error")).toHaveTextContent("The plan lasts 10:12 at 120 BPM; songs can be at most 10:00.");
    expect(screen.queryByTestId("plan-note")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Generate" }));
    expect(calls).toHaveLength(0);
  });

  it("stops adding at 32 sections", () => {
    const sections = draftsFrom({ sections: Array.from({ length: 32 }, () => ({ name: "verse", bars: 1, energy: 0.5 })) });
    const onChange = vi.fn();
    render(
      <PlanEditor idBase="p" sections={sections} onChange={onChange} bpm={120} bpmSource="test" timeSignature="4/4" origin="" errors={{ sections: {} }} />,
    );
    expect(total()).toMatch(/^32 \/ 32 sections · 32 bars · 1:04 /);
    const add = screen.getByRole("button", { name: "Add section" });
    expect(add).toBeDisabled();
    fireEvent.click(add);
    expect(onChange).not.toHaveBeenCalled();
  });

  it("posts the plan and the loop flag with the request", async () => {
    const { user, calls } = setup();
    await user.type(screen.getByLabelText("Prompt"), "a loop for a game level");
    await user.click(screen.getByText("Options"));
    await user.click(screen.getByLabelText("Seamless loop"));
    await openPlan(user);
    await user.click(screen.getByRole("button", { name: "Remove section 4" }));
    await user.click(screen.getByRole("button", { name: "Remove section 1" }));
    const second = screen.getByRole("listitem", { name: "Section 2" });
    await user.click(within(second).getByText("Roles and text"));
    await user.type(within(second).getByRole("textbox", { name: "Section 2 text" }), "no drums");
    await user.click(within(within(second).getByRole("group", { name: "Mute in section 2" })).getByLabelText("drums"));
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]?.body).toEqual({
      prompt: "a loop for a game level",
      master_preset: "streaming",
      provider: "procedural",
      loop: true,
      plan: {
        sections: [
          { name: "groove", bars: 8, energy: 0.6 },
          { name: "drop", bars: 12, energy: 0.7, mute_roles: ["drums"], text: "no drums" },
        ],
      },
    });
  });

  it("shows a 422 that names plan.sections[n].bars beside that section's bars", async () => {
    const { user, calls } = setup(() =>
      json(422, {
        error: {
          code: "validation_error",
          message: "The request is not valid.",
          details: {
            fields: [
              { field: "plan.sections.1.bars", location: "body", message: "Input should be less than or equal to 64", type: "less_than_equal" },
              { field: "plan", location: "body", message: "Value error, the plan is longer than 10 minutes at 50 BPM", type: "value_error" },
            ],
          },
        },
      }),
    );
    await user.type(screen.getByLabelText("Prompt"), "slow doom");
    await openPlan(user);
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(calls).toHaveLength(1));
    const bars = screen.getByRole("spinbutton", { name: "Section 2 bars" });
    await waitFor(() => expect(bars).toHaveAccessibleDescription("Input should be less than or equal to 64"));
    expect(bars).toHaveAttribute("aria-invalid", "true");
    await waitFor(() => expect(bars).toHaveFocus());
    expect(screen.getByTestId("plan-error")).toHaveTextContent("the plan is longer than 10 minutes at 50 BPM");
    // Editing the plan clears what the server said about the old one.
    await user.clear(bars);
    await user.type(bars, "8");
    expect(bars).not.toHaveAttribute("aria-invalid");
    expect(screen.queryByTestId("plan-error")).toBeNull();
  });

  it("sends no plan when the user lets AMP choose", async () => {
    const { user, calls } = setup();
    await user.type(screen.getByLabelText("Prompt"), "house");
    await openPlan(user);
    await user.click(screen.getByRole("button", { name: "Let AMP choose the sections" }));
    expect(screen.queryByTestId("plan-editor")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]?.body).not.toHaveProperty("plan");
    expect(calls[0]?.body).not.toHaveProperty("loop");
  });

  it("takes a finished job's spec.plan into the editor at that job's tempo", async () => {
    const job: Job = succeededJob({
      prompt: "Dark techno with a long intro",
      spec: {
        ...SPEC,
        bpm: 132,
        time_signature: "4/4",
        provenance: { ...SPEC.provenance, plan: "inferred" },
        plan: {
          sections: [
            { name: "intro", bars: 16, energy: 0.3, add_roles: [], mute_roles: ["drums"], text: null },
            { name: "drop", bars: 32, energy: 0.9, add_roles: [], mute_roles: [], text: "filtered" },
          ],
        },
      } as Job["spec"],
    });
    function Harness() {
      const [offer, setOffer] = useState<PlanOffer | null>(null);
      const make = useCallback((next: Omit<PlanOffer, "id">) => setOffer((current) => ({ ...next, id: (current?.id ?? 0) + 1 })), []);
      return (
        <PlanOfferProvider offer={make}>
          <PromptForm onCreated={() => undefined} planOffer={offer} />
          <ReusePlanButton job={job} />
        </PlanOfferProvider>
      );
    }
    const { fetch, calls } = fakeFetch(() => json(202, makeJob()));
    const user = userEvent.setup();
    renderWithApi(<Harness />, fetch);
    expect(screen.getByText(/2 sections, 48 bars, derived from the prompt/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Edit this plan in a new track" }));
    expect(screen.getByTestId("plan-origin")).toHaveTextContent(`The plan of job ${job.id.slice(0, 8)} (derived from the prompt), at its 132 BPM.`);
    expect(names()).toEqual(["intro", "drop"]);
    // 48 bars at 132 BPM in 4/4 = 87.3 s.
    expect(total()).toBe("2 / 32 sections · 48 bars · 1:27 of 10:00 at 132 BPM in 4/4 (the tempo of that job)");
    expect(screen.getByLabelText("Prompt")).toHaveValue("Dark techno with a long intro");
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect((calls[0]?.body as { plan: unknown }).plan).toEqual({
      sections: [
        { name: "intro", bars: 16, energy: 0.3, mute_roles: ["drums"] },
        { name: "drop", bars: 32, energy: 0.9, text: "filtered" },
      ],
    });
  });

  it("lists the job's sections in the spec with where the plan came from", () => {
    const spec = {
      ...SPEC,
      provenance: { ...SPEC.provenance, plan: "inferred" },
      loop: true,
      plan: { sections: [{ name: "intro", bars: 16, energy: 0.3 }, { name: "drop", bars: 32, energy: 0.9 }] },
    } as NonNullable<Job["spec"]>;
    render(<SpecView spec={spec} />);
    const row = document.querySelector('[data-field="plan"]');
    expect(row).toHaveTextContent("intro 16 · drop 32");
    expect(row).toHaveAttribute("data-provenance", "inferred");
    expect(document.querySelector('[data-field="loop"]')).toHaveTextContent("seamless, whole bars");
  });
});
