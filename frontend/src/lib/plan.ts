// Section plans in the web app: the request shape (issue 16's `plan` field), the limits the server
// checks (mirrored here so the editor can say what is wrong before anything is sent), the plan the
// form starts from when the API has no parse preview, and the published sections.json.
import type { components } from "../api/schema";
import { formatDuration } from "./jobs";
import { MAX_DURATION_S, MIN_DURATION_S } from "./validation";

export type Role = components["schemas"]["Role"];

/** The roles a section may add or mute (the API's Role enum). */
export const ROLES: readonly Role[] = ["drums", "percussion", "bass", "chords", "pad", "lead", "arp", "fx", "vocal-like"];

/** One section of POST /jobs `plan.sections` (and of `spec.plan.sections`). */
export interface PlanSection {
  name: string;
  bars: number;
  energy: number;
  add_roles?: Role[];
  mute_roles?: Role[];
  text?: string | null;
}

export interface Plan {
  sections: PlanSection[];
}

/** A section while it is being edited: bars as typed (a field may be blank or half-typed). */
export interface DraftSection {
  /** Stable React key; never sent. */
  key: string;
  name: string;
  bars: string;
  energy: number;
  add_roles: Role[];
  mute_roles: Role[];
  text: string;
}

/** One entry of a finished job's sections.json (Artifact kind "sections"). */
export interface SectionMarker {
  name: string;
  bars: number;
  energy: number;
  start_bar: number;
  start_s: number;
  end_s: number;
}

export interface SectionsFile {
  bpm: number;
  time_signature: string;
  sections: SectionMarker[];
}

// The server's limits (domain/spec.py SectionPlan / Plan and the 10-minute song length).
export const MAX_SECTIONS = 32;
export const MIN_BARS = 1;
export const MAX_BARS = 256;
export const MAX_NAME_CHARS = 40;
export const MAX_TEXT_CHARS = 200;
export const MAX_PLAN_S = MAX_DURATION_S;
/** The tempo the length is shown at when neither the form nor a job says one. */
export const DEFAULT_PLAN_BPM = 120;
export const DEFAULT_PLAN_DURATION_S = 60;

/** Names the composer knows; the editor offers them and accepts free text too. */
export const SECTION_NAMES = [
  "intro",
  "verse",
  "pre-chorus",
  "chorus",
  "build",
  "drop",
  "breakdown",
  "bridge",
  "solo",
  "outro",
] as const;

let keyCounter = 0;
function nextKey(): string {
  keyCounter += 1;
  return `section-${keyCounter}`;
}

/** Quarter-note beats per bar of a signature such as "6/8" (3.0): the server's bar length rule. */
export function barQuarterNotes(timeSignature: string): number {
  const match = /^(\d+)\/(\d+)$/.exec(timeSignature.trim());
  if (!match) return 4;
  const beats = Number(match[1]);
  const unit = Number(match[2]);
  return beats > 0 && unit > 0 ? (beats * 4) / unit : 4;
}

/** Seconds per bar: beats_per_bar * 4 / beat_unit * 60 / bpm, as the composer counts it. */
export function barSeconds(bpm: number, timeSignature: string): number {
  return (barQuarterNotes(timeSignature) * 60) / bpm;
}

export function draftFrom(section: PlanSection): DraftSection {
  return {
    key: nextKey(),
    name: section.name,
    bars: String(section.bars),
    energy: Math.max(0, Math.min(1, section.energy)),
    add_roles: [...(section.add_roles ?? [])],
    mute_roles: [...(section.mute_roles ?? [])],
    text: section.text ?? "",
  };
}

export function draftsFrom(plan: Plan): DraftSection[] {
  return plan.sections.map(draftFrom);
}

export function newDraftSection(name = "verse", bars = 8, energy = 0.6): DraftSection {
  return draftFrom({ name, bars, energy });
}

function parsedBars(raw: string): number | null {
  const trimmed = raw.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  return Number(trimmed);
}

/** Bars of the sections whose bar count is a valid whole number (the rest count as 0). */
export function totalBars(sections: readonly DraftSection[]): number {
  return sections.reduce((sum, section) => {
    const bars = parsedBars(section.bars);
    return sum + (bars !== null && bars >= MIN_BARS && bars <= MAX_BARS ? bars : 0);
  }, 0);
}

export type SectionField = "name" | "bars" | "energy" | "text" | "add_roles" | "mute_roles";

export interface PlanErrors {
  /** Problems of the plan as a whole (count, total length, a server message about `plan`). */
  plan?: string;
  /** Problems per section, by index, by field. */
  sections: Record<number, Partial<Record<SectionField, string>>>;
}

export function hasPlanErrors(errors: PlanErrors): boolean {
  return Boolean(errors.plan) || Object.values(errors.sections).some((fields) => Object.values(fields).some(Boolean));
}

/**
 * The checks the server makes on a plan, in the words the editor shows beside each field. The total
 * is checked at `limitBpm` (default `bpm`): the server checks at the stated tempo, or with none
 * stated at the fastest one, since it raises the tempo of a plan too long for the one it picked.
 */
export function validatePlan(
  sections: readonly DraftSection[],
  bpm: number,
  timeSignature: string,
  limitBpm: number = bpm,
): PlanErrors {
  const errors: PlanErrors = { sections: {} };
  const flag = (index: number, field: SectionField, message: string) => {
    errors.sections[index] = { ...errors.sections[index], [field]: message };
  };
  if (sections.length === 0) errors.plan = "A plan needs at least one section.";
  else if (sections.length > MAX_SECTIONS) {
    errors.plan = `A plan has at most ${MAX_SECTIONS} sections; this one has ${sections.length}.`;
  }
  sections.forEach((section, index) => {
    const name = section.name.trim();
    if (!name) flag(index, "name", "Name the section.");
    else if (name.length > MAX_NAME_CHARS) flag(index, "name", `At most ${MAX_NAME_CHARS} characters.`);
    const bars = parsedBars(section.bars);
    if (bars === null) flag(index, "bars", "Bars must be a whole number.");
    else if (bars < MIN_BARS || bars > MAX_BARS) flag(index, "bars", `Bars must be between ${MIN_BARS} and ${MAX_BARS}.`);
    if (!(section.energy >= 0 && section.energy <= 1)) flag(index, "energy", "Energy must be between 0 and 1.");
    if (section.text.trim().length > MAX_TEXT_CHARS) flag(index, "text", `At most ${MAX_TEXT_CHARS} characters.`);
    const both = section.add_roles.filter((role) => section.mute_roles.includes(role));
    if (both.length > 0) flag(index, "mute_roles", `${both.join(", ")} cannot be both added and muted.`);
  });
  const lengthS = totalBars(sections) * barSeconds(limitBpm, timeSignature);
  if (!errors.plan && lengthS > MAX_PLAN_S + 1e-6) {
    errors.plan = `The plan lasts ${formatDuration(lengthS)} at ${formatBpm(limitBpm)} BPM; songs can be at most ${formatDuration(MAX_PLAN_S)}.`;
  }
  return errors;
}

export function formatBpm(bpm: number): string {
  return Number.isInteger(bpm) ? String(bpm) : bpm.toFixed(1);
}

/** The request's `plan` from valid drafts: trimmed names, whole bars, optional parts only when set. */
export function planFromDrafts(sections: readonly DraftSection[]): Plan {
  return {
    sections: sections.map((section) => {
      const out: PlanSection = {
        name: section.name.trim(),
        bars: Number(section.bars.trim()),
        energy: Math.round(section.energy * 100) / 100,
      };
      if (section.add_roles.length > 0) out.add_roles = [...section.add_roles];
      if (section.mute_roles.length > 0) out.mute_roles = [...section.mute_roles];
      const text = section.text.trim();
      if (text) out.text = text;
      return out;
    }),
  };
}

export function moveSection<T>(items: readonly T[], from: number, to: number): T[] {
  if (to < 0 || to >= items.length || from === to) return [...items];
  const next = [...items];
  const [moved] = next.splice(from, 1);
  next.splice(to, 0, moved as T);
  return next;
}

// The composer's own section template (compose/arrangement.py plan_sections), so the default plan
// the editor starts from is the song AMP would write anyway without a plan.
const TEMPLATE: readonly (readonly [string, number, number])[] = [
  ["intro", 0.1, 0.45],
  ["groove", 0.2, 0.75],
  ["build", 0.08, 0.85],
  ["drop", 0.2, 1.0],
  ["breakdown", 0.12, 0.4],
  ["build", 0.06, 0.85],
  ["drop", 0.16, 1.0],
  ["outro", 0.08, 0.5],
];
const SHORT_TEMPLATE: readonly (readonly [string, number, number])[] = [
  ["intro", 0.15, 0.5],
  ["groove", 0.3, 0.8],
  ["drop", 0.4, 1.0],
  ["outro", 0.15, 0.55],
];

function shapeEnergy(specEnergy: number, relative: number): number {
  return Math.max(0.05, Math.min(1, specEnergy * (0.55 + 0.45 * relative) + 0.25 * (relative - 0.6)));
}

/**
 * The whole number of bars nearest `durationS` (a half bar rounds up), kept inside 5 s..10 min: the
 * server's rounding of an asked length (amp.domain.spec.nearest_bars).
 */
export function nearestBars(durationS: number, barS: number): number {
  let bars = Math.max(1, Math.floor(durationS / barS + 0.5));
  while (bars > 1 && bars * barS > MAX_PLAN_S + 1e-6) bars -= 1;
  while (bars * barS < MIN_DURATION_S - 1e-6) bars += 1;
  return bars;
}

/**
 * The plan for a song of `durationS` at `bpm` in `timeSignature`: the nearest whole bars (as the
 * server rounds the length), whole phrases per section by largest remainder, leftover bars to the
 * last section.
 */
export function defaultPlan(durationS: number, bpm: number, timeSignature: string, energy = 0.6): Plan {
  const total = nearestBars(durationS, barSeconds(bpm, timeSignature));
  let template = total >= 32 ? TEMPLATE : SHORT_TEMPLATE;
  const phrase = total >= 24 ? 4 : total >= 8 ? 2 : 1;
  const phrases = Math.floor(total / phrase);
  if (phrases < template.length) {
    template = template.filter(([name]) => name === "groove" || name === "drop").slice(0, Math.max(1, phrases));
  }
  const raw = template.map(([, share]) => share * phrases);
  const counts = raw.map((value) => Math.max(1, Math.floor(value)));
  while (counts.reduce((a, b) => a + b, 0) > phrases) {
    let index = 0;
    counts.forEach((count, i) => {
      if (count > (counts[index] ?? 0)) index = i;
    });
    counts[index] = (counts[index] ?? 1) - 1;
  }
  const order = raw.map((_, i) => i).sort((a, b) => (counts[a] ?? 0) - (raw[a] ?? 0) - ((counts[b] ?? 0) - (raw[b] ?? 0)) || a - b);
  const missing = phrases - counts.reduce((a, b) => a + b, 0);
  for (const index of order.slice(0, missing)) counts[index] = (counts[index] ?? 0) + 1;
  const sections: PlanSection[] = [];
  let bar = 0;
  template.forEach(([name, , relative], index) => {
    const count = counts[index] ?? 0;
    if (count <= 0) return;
    const bars = count * phrase;
    sections.push({ name, bars, energy: Math.round(shapeEnergy(energy, relative) * 100) / 100 });
    bar += bars;
  });
  const last = sections.at(-1);
  if (last && bar < total) last.bars += total - bar;
  return { sections };
}

/**
 * Where a server validation field points: `plan.sections.3.bars` (pydantic's location joined with
 * dots), `plan.sections[3].bars` or `sections[3].bars` (as the issue words it) all name section 3's
 * bars; `plan` or `plan.sections` alone is the plan as a whole. Null for fields outside the plan.
 */
export function planFieldOf(field: string): { index: number | null; field: SectionField | null } | null {
  const path = field
    .replace(/\[(\d+)\]/g, ".$1")
    .replace(/^body\./, "")
    .replace(/^plan\.sections\b/, "sections");
  if (path === "plan" || (path.startsWith("plan.") && !path.startsWith("plan.sections"))) return { index: null, field: null };
  const match = /^sections(?:\.(\d+)(?:\.([a-z_]+))?)?(?:\.|$)/.exec(path);
  if (!match) return null;
  const index = match[1] !== undefined ? Number(match[1]) : null;
  const name = match[2];
  const known: readonly string[] = ["name", "bars", "energy", "text", "add_roles", "mute_roles"];
  return { index, field: name && known.includes(name) ? (name as SectionField) : null };
}

interface ServerField {
  field?: unknown;
  loc?: unknown;
  message?: unknown;
  msg?: unknown;
}

/**
 * The plan problems in a 422's details (`{fields: [{field, message}]}`), placed where the editor
 * shows them: per section field when the server names one, on the plan otherwise. Null when the
 * error says nothing about the plan.
 */
export function planErrorsFromServer(details: unknown): PlanErrors | null {
  const list: unknown[] = Array.isArray(details)
    ? details
    : details && typeof details === "object" && Array.isArray((details as { fields?: unknown }).fields)
      ? (details as { fields: unknown[] }).fields
      : [];
  const errors: PlanErrors = { sections: {} };
  let found = false;
  for (const item of list) {
    if (!item || typeof item !== "object") continue;
    const record = item as ServerField;
    const where =
      typeof record.field === "string"
        ? record.field
        : Array.isArray(record.loc)
          ? record.loc.filter((part) => part !== "body").join(".")
          : "";
    const what = typeof record.message === "string" ? record.message : typeof record.msg === "string" ? record.msg : "invalid";
    const place = planFieldOf(where);
    if (!place) continue;
    found = true;
    if (place.index !== null && place.field) {
      errors.sections[place.index] = { ...errors.sections[place.index], [place.field]: what };
    } else if (place.index !== null) {
      errors.sections[place.index] = { ...errors.sections[place.index], name: what };
    } else {
      errors.plan = errors.plan ? `${errors.plan} ${what}` : what;
    }
  }
  return found ? errors : null;
}

/** Reads a sections.json body, refusing anything that is not the published shape. */
export function parseSectionsFile(value: unknown): SectionsFile {
  if (!value || typeof value !== "object") throw new Error("sections.json is not an object");
  const record = value as { bpm?: unknown; time_signature?: unknown; sections?: unknown };
  if (typeof record.bpm !== "number" || !Array.isArray(record.sections)) throw new Error("sections.json has no bpm or sections");
  const sections = record.sections.map((item, index): SectionMarker => {
    const section = (item ?? {}) as Record<string, unknown>;
    const number = (name: string): number => {
      const got = section[name];
      if (typeof got !== "number" || !Number.isFinite(got)) throw new Error(`sections[${index}].${name} is not a number`);
      return got;
    };
    return {
      name: typeof section.name === "string" ? section.name : `section ${index + 1}`,
      bars: number("bars"),
      energy: number("energy"),
      start_bar: number("start_bar"),
      start_s: number("start_s"),
      end_s: number("end_s"),
    };
  });
  return { bpm: record.bpm, time_signature: typeof record.time_signature === "string" ? record.time_signature : "4/4", sections };
}

/** A section block's place on a timeline `totalS` long, as fractions (0..1) of its width. */
export function blockSpan(section: Pick<SectionMarker, "start_s" | "end_s">, totalS: number): { left: number; width: number } {
  if (!(totalS > 0)) return { left: 0, width: 0 };
  const left = Math.max(0, Math.min(1, section.start_s / totalS));
  const right = Math.max(left, Math.min(1, section.end_s / totalS));
  return { left, width: right - left };
}
