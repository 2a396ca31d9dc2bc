import { useId, useState, type ReactNode } from "react";
import type { Job } from "../api/types";
import {
  barSeconds,
  formatBpm,
  MAX_BARS,
  MAX_NAME_CHARS,
  MAX_PLAN_S,
  MAX_SECTIONS,
  MAX_TEXT_CHARS,
  MIN_BARS,
  moveSection,
  newDraftSection,
  ROLES,
  SECTION_NAMES,
  totalBars,
  type DraftSection,
  type PlanErrors,
  type Role,
  type SectionField,
} from "../lib/plan";
import { formatDuration } from "../lib/jobs";
import { planOfSpec, usePlanOffer } from "../lib/planOffer";

/** The id of one section field's input, so the form can focus the first invalid one. */
export function planFieldId(base: string, key: string, field: SectionField): string {
  return `${base}-${key}-${field}`;
}

export interface PlanEditorProps {
  /** Prefix of every input id (see planFieldId). */
  idBase: string;
  sections: DraftSection[];
  onChange(sections: DraftSection[]): void;
  /** Tempo and metre the length is shown at, and words for where the tempo came from. */
  bpm: number;
  bpmSource: string;
  timeSignature: string;
  /** Whether the form states the tempo; if not, a plan too long at `bpm` makes the server raise it. */
  tempoStated?: boolean;
  /** Where the plan came from: "a default plan for 60 s …", "the plan of job …". */
  origin: string;
  /** Live checks (validatePlan) merged with what the server answered. */
  errors: PlanErrors;
}

function RoleChoices({
  legend,
  idPrefix,
  chosen,
  onToggle,
}: {
  legend: string;
  idPrefix: string;
  chosen: readonly Role[];
  onToggle(role: Role): void;
}) {
  return (
    <fieldset className="plan-roles" id={idPrefix}>
      <legend className="small">{legend}</legend>
      {ROLES.map((role) => (
        <label key={role} className="plan-roles__choice small">
          <input type="checkbox" checked={chosen.includes(role)} onChange={() => onToggle(role)} /> {role}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * A section's optional parts behind a disclosure, rendered only while open: 18 role checkboxes per
 * section would otherwise make every keystroke in a long plan re-render hundreds of inputs.
 */
function SectionMore({ summary, forceOpen, children }: { summary: string; forceOpen: boolean; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const shown = open || forceOpen;
  return (
    <details className="plan-section__more" open={shown} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary className="small">{summary}</summary>
      {shown ? children : null}
    </details>
  );
}

function toggle(list: readonly Role[], role: Role): Role[] {
  return list.includes(role) ? list.filter((item) => item !== role) : [...list, role];
}

/**
 * The section plan as an editable list: name, bars, energy per section, optional roles to add or mute
 * and a line of text; sections can be added, removed and moved. The running total (bars, m:ss at the
 * tempo shown) and every limit the server checks are shown as the user types.
 */
export function PlanEditor({
  idBase,
  sections,
  onChange,
  bpm,
  bpmSource,
  timeSignature,
  tempoStated = true,
  origin,
  errors,
}: PlanEditorProps) {
  const datalistId = `${idBase}-names`;
  const barS = barSeconds(bpm, timeSignature);
  const bars = totalBars(sections);
  const lengthS = bars * barS;
  const update = (index: number, patch: Partial<DraftSection>) =>
    onChange(sections.map((section, i) => (i === index ? { ...section, ...patch } : section)));
  let startBar = 0;

  return (
    <div className="plan-editor" data-testid="plan-editor">
      <p className="plan-editor__origin muted small" data-testid="plan-origin">
        {origin}
      </p>
      <datalist id={datalistId}>
        {SECTION_NAMES.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <ol className="plan-sections">
        {sections.map((section, index) => {
          const number = index + 1;
          const fieldErrors = errors.sections[index] ?? {};
          const id = (field: SectionField) => planFieldId(idBase, section.key, field);
          const errorId = (field: SectionField) => `${id(field)}-error`;
          const described = (field: SectionField) => (fieldErrors[field] ? errorId(field) : undefined);
          const sectionBars = /^\d+$/.test(section.bars.trim()) ? Number(section.bars.trim()) : 0;
          const from = startBar;
          startBar += sectionBars >= MIN_BARS && sectionBars <= MAX_BARS ? sectionBars : 0;
          const extras = section.add_roles.length + section.mute_roles.length + (section.text.trim() ? 1 : 0);
          return (
            <li key={section.key} className="plan-section" data-section-index={index} aria-label={`Section ${number}`}>
              <span className="plan-section__number num" aria-hidden="true">
                {number}
              </span>
              <div className="plan-section__field plan-section__field--name">
                <label htmlFor={id("name")} className="small">
                  Name
                </label>
                <input
                  id={id("name")}
                  type="text"
                  list={datalistId}
                  maxLength={MAX_NAME_CHARS + 20}
                  value={section.name}
                  aria-label={`Section ${number} name`}
                  aria-invalid={fieldErrors.name ? true : undefined}
                  aria-describedby={described("name")}
                  onChange={(event) => update(index, { name: event.target.value })}
                />
                {fieldErrors.name ? (
                  <span id={errorId("name")} className="field-error">
                    {fieldErrors.name}
                  </span>
                ) : null}
              </div>
              <div className="plan-section__field plan-section__field--bars">
                <label htmlFor={id("bars")} className="small">
                  Bars
                </label>
                <input
                  id={id("bars")}
                  type="number"
                  inputMode="numeric"
                  min={MIN_BARS}
                  max={MAX_BARS}
                  step={1}
                  value={section.bars}
                  aria-label={`Section ${number} bars`}
                  aria-invalid={fieldErrors.bars ? true : undefined}
                  aria-describedby={described("bars")}
                  onChange={(event) => update(index, { bars: event.target.value })}
                />
                {fieldErrors.bars ? (
                  <span id={errorId("bars")} className="field-error">
                    {fieldErrors.bars}
                  </span>
                ) : null}
              </div>
              <div className="plan-section__field plan-section__field--energy">
                <label htmlFor={id("energy")} className="small">
                  Energy <span className="num">{Math.round(section.energy * 100)}%</span>
                </label>
                <input
                  id={id("energy")}
                  type="range"
                  min={0}
                  max={1}
                  step={0.05}
                  value={section.energy}
                  aria-label={`Section ${number} energy`}
                  aria-valuetext={`${Math.round(section.energy * 100)}%`}
                  aria-invalid={fieldErrors.energy ? true : undefined}
                  aria-describedby={described("energy")}
                  onChange={(event) => update(index, { energy: Number(event.target.value) })}
                />
                {fieldErrors.energy ? (
                  <span id={errorId("energy")} className="field-error">
                    {fieldErrors.energy}
                  </span>
                ) : null}
              </div>
              <span className="plan-section__start small muted num" data-testid="section-start">
                bar {from + 1} · {formatDuration(from * barS)}
              </span>
              <div className="plan-section__actions">
                <button
                  type="button"
                  className="button button--small"
                  aria-label={`Move section ${number} up`}
                  title="Move up"
                  disabled={index === 0}
                  onClick={() => onChange(moveSection(sections, index, index - 1))}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="button button--small"
                  aria-label={`Move section ${number} down`}
                  title="Move down"
                  disabled={index === sections.length - 1}
                  onClick={() => onChange(moveSection(sections, index, index + 1))}
                >
                  ↓
                </button>
                <button
                  type="button"
                  className="button button--small button--quiet"
                  aria-label={`Remove section ${number}`}
                  title="Remove"
                  disabled={sections.length <= 1}
                  onClick={() => onChange(sections.filter((_, i) => i !== index))}
                >
                  ✕
                </button>
              </div>
              <SectionMore
                summary={`Roles and text${extras > 0 ? ` (${extras})` : ""}`}
                forceOpen={Boolean(fieldErrors.text || fieldErrors.mute_roles || fieldErrors.add_roles)}
              >
                <>
                <div className="plan-section__field">
                  <label htmlFor={id("text")} className="small">
                    Text (e.g. “filtered”, “half-time”, “no drums”)
                  </label>
                  <input
                    id={id("text")}
                    type="text"
                    maxLength={MAX_TEXT_CHARS + 50}
                    value={section.text}
                    aria-label={`Section ${number} text`}
                    aria-invalid={fieldErrors.text ? true : undefined}
                    aria-describedby={described("text")}
                    onChange={(event) => update(index, { text: event.target.value })}
                  />
                  {fieldErrors.text ? (
                    <span id={errorId("text")} className="field-error">
                      {fieldErrors.text}
                    </span>
                  ) : null}
                </div>
                <RoleChoices
                  legend={`Add in section ${number}`}
                  idPrefix={id("add_roles")}
                  chosen={section.add_roles}
                  onToggle={(role) => update(index, { add_roles: toggle(section.add_roles, role) })}
                />
                {fieldErrors.add_roles ? <span className="field-error">{fieldErrors.add_roles}</span> : null}
                <RoleChoices
                  legend={`Mute in section ${number}`}
                  idPrefix={id("mute_roles")}
                  chosen={section.mute_roles}
                  onToggle={(role) => update(index, { mute_roles: toggle(section.mute_roles, role) })}
                />
                {fieldErrors.mute_roles ? <span className="field-error">{fieldErrors.mute_roles}</span> : null}
                </>
              </SectionMore>
            </li>
          );
        })}
      </ol>
      <div className="plan-editor__footer">
        <button
          type="button"
          className="button"
          disabled={sections.length >= MAX_SECTIONS}
          onClick={() => {
            const last = sections.at(-1);
            onChange([...sections, newDraftSection("verse", 8, last ? last.energy : 0.6)]);
          }}
        >
          Add section
        </button>
        <span className="plan-editor__total small num" data-testid="plan-total" aria-live="polite">
          {sections.length} / {MAX_SECTIONS} sections · {bars} bars · {formatDuration(lengthS)} of {formatDuration(MAX_PLAN_S)} at {formatBpm(bpm)} BPM in{" "}
          {timeSignature} ({bpmSource})
        </span>
      </div>
      {errors.plan ? (
        <p className="field-error" data-testid="plan-error" role="alert">
          {errors.plan}
        </p>
      ) : !tempoStated && lengthS > MAX_PLAN_S + 1e-6 ? (
        <p className="plan-editor__note small" data-testid="plan-note">
          At {formatBpm(bpm)} BPM this plan lasts {formatDuration(lengthS)}: AMP will raise the tempo until it fits{" "}
          {formatDuration(MAX_PLAN_S)}. Set a tempo under Options to keep yours.
        </p>
      ) : null}
    </div>
  );
}

/**
 * On a finished job: send its plan (the one it was made from, stated or derived) to the prompt form,
 * to edit and resubmit. Shown only when the job's spec carries a plan and a form can take it.
 */
export function ReusePlanButton({ job }: { job: Job }) {
  const offer = usePlanOffer();
  const describedBy = useId();
  const plan = planOfSpec(job.spec);
  if (!offer || !plan || !job.spec) return null;
  const spec = job.spec;
  const provenance = (spec.provenance as Record<string, string | undefined>).plan;
  const how = provenance === "stated" ? "as you wrote it" : provenance === "inferred" ? "derived from the prompt" : provenance === "defaulted" ? "AMP's default" : "";
  return (
    <div className="plan-reuse">
      <button
        type="button"
        className="button"
        aria-describedby={describedBy}
        onClick={() =>
          offer({
            plan,
            bpm: spec.bpm,
            timeSignature: spec.time_signature,
            prompt: job.prompt,
            source: `The plan of job ${job.id.slice(0, 8)}${how ? ` (${how})` : ""}, at its ${formatBpm(spec.bpm)} BPM.`,
          })
        }
      >
        Edit this plan in a new track
      </button>
      <span id={describedBy} className="muted small">
        {plan.sections.length} sections, {plan.sections.reduce((sum, section) => sum + section.bars, 0)} bars
        {how ? `, ${how}` : ""}
      </span>
    </div>
  );
}
