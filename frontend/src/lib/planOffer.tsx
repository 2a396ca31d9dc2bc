// A finished job hands its plan to the prompt form ("edit this plan in a new track"): the job's
// result view and the form live in different branches of the page, so the App holds the latest
// offer and passes it down; anything inside the provider can make one.
import { createContext, useContext, type ReactNode } from "react";
import type { Plan, Role } from "./plan";
import { ROLES } from "./plan";

export interface PlanOffer {
  /** Increases with each offer, so offering the same plan twice still reaches the form. */
  id: number;
  plan: Plan;
  bpm: number;
  timeSignature: string;
  prompt: string;
  /** Words for where it came from, e.g. "the plan of job 1a2b3c4d (inferred from the prompt)". */
  source: string;
}

type Offer = (offer: Omit<PlanOffer, "id">) => void;

const PlanOfferContext = createContext<Offer | null>(null);

export function PlanOfferProvider({ offer, children }: { offer: Offer; children: ReactNode }) {
  return <PlanOfferContext.Provider value={offer}>{children}</PlanOfferContext.Provider>;
}

/** The App's offer function, or null where no prompt form can take a plan. */
export function usePlanOffer(): Offer | null {
  return useContext(PlanOfferContext);
}

/** A plan from a job's spec (`spec.plan`), checked field by field; null when there is none or it is malformed. */
export function planOfSpec(spec: unknown): Plan | null {
  const plan = spec && typeof spec === "object" ? (spec as { plan?: unknown }).plan : undefined;
  if (!plan || typeof plan !== "object") return null;
  const sections = (plan as { sections?: unknown }).sections;
  if (!Array.isArray(sections) || sections.length === 0) return null;
  const roles = (value: unknown): Role[] =>
    Array.isArray(value) ? value.filter((role): role is Role => (ROLES as readonly unknown[]).includes(role)) : [];
  const out: Plan["sections"] = [];
  for (const item of sections) {
    if (!item || typeof item !== "object") return null;
    const section = item as Record<string, unknown>;
    if (typeof section.name !== "string" || typeof section.bars !== "number" || typeof section.energy !== "number") return null;
    out.push({
      name: section.name,
      bars: section.bars,
      energy: section.energy,
      add_roles: roles(section.add_roles),
      mute_roles: roles(section.mute_roles),
      text: typeof section.text === "string" ? section.text : null,
    });
  }
  return { sections: out };
}
