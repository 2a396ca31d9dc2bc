import type { MusicSpec, Provenance } from "../api/types";
import { planOfSpec } from "../lib/planOffer";

const PROVENANCE_WORDS: Record<Provenance, string> = {
  stated: "stated",
  inferred: "inferred",
  defaulted: "default",
  overridden: "your override",
  reference: "from reference",
};

function ProvenanceTag({ value }: { value: Provenance | undefined }) {
  if (!value) return null;
  return (
    <span className={`tag tag--${value}`} title={`This value was ${value}.`}>
      {PROVENANCE_WORDS[value] ?? value}
    </span>
  );
}

function round(value: number, digits = 1): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(digits);
}

/** The delivered length in whole bars, and the length asked when rounding to the bar grid moved it
 * ("30.3 s · 22 bars (asked 30 s)"). */
export function durationText(spec: MusicSpec): string {
  const bars = spec.total_bars ? ` · ${spec.total_bars} bar${spec.total_bars === 1 ? "" : "s"}` : "";
  const asked = spec.asked_duration_s;
  const moved = asked !== null && asked !== undefined && Math.abs(asked - spec.duration_s) > 0.05;
  return `${round(spec.duration_s)} s${bars}${moved ? ` (asked ${round(asked)} s)` : ""}`;
}

/** The parsed request, each value marked with where it came from (stated in the prompt, inferred, ...). */
export function SpecView({ spec }: { spec: MusicSpec }) {
  const provenance = spec.provenance ?? {};
  const rows: { field: string; label: string; value: string; from: Provenance | undefined }[] = [
    { field: "genre", label: "Genre", value: spec.genre, from: provenance.genre },
    { field: "bpm", label: "Tempo", value: `${round(spec.bpm)} BPM`, from: provenance.bpm },
    { field: "key", label: "Key", value: `${spec.key} ${spec.mode}`, from: provenance.key ?? provenance.mode },
    { field: "time_signature", label: "Time signature", value: spec.time_signature, from: provenance.time_signature },
    { field: "duration_s", label: "Duration", value: durationText(spec), from: provenance.duration_s },
    { field: "energy", label: "Energy", value: `${Math.round(spec.energy * 100)}%`, from: provenance.energy },
    {
      field: "mood",
      label: "Mood",
      value: spec.mood.length > 0 ? spec.mood.join(", ") : "—",
      from: provenance.mood,
    },
    {
      field: "instruments",
      label: "Instruments",
      value: spec.instruments.length > 0 ? spec.instruments.map((item) => (item.name === item.role ? item.name : `${item.name} (${item.role})`)).join(", ") : "—",
      from: provenance.instruments,
    },
    { field: "seed", label: "Seed", value: String(spec.seed), from: provenance.seed },
  ];
  if (spec.excluded_roles.length > 0) {
    rows.push({ field: "excluded_roles", label: "Left out", value: spec.excluded_roles.join(", "), from: provenance.excluded_roles });
  }
  if (spec.structure_hints.length > 0) {
    rows.push({ field: "structure_hints", label: "Structure", value: spec.structure_hints.join(", "), from: provenance.structure_hints });
  }
  // Issue 16: the section plan the song was made from (stated, or derived from the prompt), and the loop flag.
  const plan = planOfSpec(spec);
  if (plan) {
    rows.push({
      field: "plan",
      label: "Sections",
      value: plan.sections.map((section) => `${section.name} ${section.bars}`).join(" · "),
      from: (provenance as Record<string, Provenance | undefined>).plan,
    });
  }
  if (spec.loop === true) {
    rows.push({ field: "loop", label: "Loop", value: "seamless, whole bars", from: (provenance as Record<string, Provenance | undefined>).loop });
  }
  const stated = rows.filter((row) => row.from === "stated" || row.from === "overridden").length;
  return (
    <section className="result-section" aria-label="Parsed spec">
      <h4>What AMP understood</h4>
      <p className="muted small">
        {stated} of {rows.length} values came from your words or overrides; the rest were inferred or defaulted.
      </p>
      <dl className="spec">
        {rows.map((row) => (
          <div key={row.field} className="spec__row" data-field={row.field} data-provenance={row.from ?? ""}>
            <dt>{row.label}</dt>
            <dd>
              <span>{row.value}</span> <ProvenanceTag value={row.from} />
            </dd>
          </div>
        ))}
      </dl>
      {spec.notes.length > 0 ? (
        <ul className="notes small">
          {spec.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
