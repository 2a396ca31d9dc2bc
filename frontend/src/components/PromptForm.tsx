import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import { useApi } from "../api/context";
import type { CreateJobRequest, Job, MasterPreset, ProviderName, SpecOverrides } from "../api/types";
import {
  EMPTY_FORM,
  MASTER_PRESETS,
  MAX_BPM,
  MAX_DURATION_S,
  MAX_PROMPT_CHARS,
  MIN_BPM,
  MIN_DURATION_S,
  MODES,
  PITCH_CLASSES,
  PROVIDERS,
  TIME_SIGNATURES,
  validateForm,
  type FormErrors,
  type FormValues,
} from "../lib/validation";
import {
  DEFAULT_PLAN_BPM,
  DEFAULT_PLAN_DURATION_S,
  defaultPlan,
  draftsFrom,
  formatBpm,
  hasPlanErrors,
  planErrorsFromServer,
  planFromDrafts,
  validatePlan,
  type DraftSection,
  type Plan,
  type PlanErrors,
  type SectionField,
} from "../lib/plan";
import type { PlanOffer } from "../lib/planOffer";
import { ErrorMessage } from "./ErrorMessage";
import { PlanEditor, planFieldId } from "./PlanEditor";
import { ReferenceUpload, type ReferenceFile } from "./ReferenceUpload";

export function buildCreateRequest(
  values: FormValues,
  referenceUploadId: string | null,
  plan: Plan | null = null,
  loop = false,
): CreateJobRequest {
  const overrides: SpecOverrides = {};
  if (values.bpm.trim()) overrides.bpm = Number(values.bpm);
  if (values.key) overrides.key = values.key;
  if (values.mode) overrides.mode = values.mode as NonNullable<SpecOverrides["mode"]>;
  if (values.timeSignature) overrides.time_signature = values.timeSignature;
  if (values.genre.trim()) overrides.genre = values.genre.trim();
  const request: CreateJobRequest = {
    prompt: values.prompt.trim(),
    master_preset: values.masterPreset as MasterPreset,
    provider: values.provider as ProviderName,
  };
  if (values.durationS.trim()) request.duration_s = Number(values.durationS);
  if (values.seed.trim()) request.seed = Number(values.seed);
  if (Object.keys(overrides).length > 0) request.overrides = overrides;
  if (referenceUploadId) request.reference_upload_id = referenceUploadId;
  if (plan) request.plan = plan;
  if (loop) request.loop = true;
  return request;
}

interface FieldProps {
  id: string;
  label: string;
  error: string | undefined;
  hint?: string;
  children: (describedBy: string | undefined) => React.ReactNode;
}

function Field({ id, label, error, hint, children }: FieldProps) {
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(describedBy)}
      {hint ? (
        <span id={hintId} className="field-hint muted">
          {hint}
        </span>
      ) : null}
      {error ? (
        <span id={errorId} className="field-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

type Phase = "idle" | "uploading" | "submitting";

function validNumber(raw: string, min: number, max: number): number | null {
  const value = Number(raw.trim());
  return raw.trim() && Number.isFinite(value) && value >= min && value <= max ? value : null;
}

/** The plan the editor holds, and where it came from (shown above it). */
interface PlanState {
  sections: DraftSection[];
  origin: string;
  /** Tempo and metre of the job the plan came from, used when the form does not set them. */
  bpm: number | null;
  timeSignature: string | null;
}

export function PromptForm({ onCreated, planOffer }: { onCreated(job: Job): void; planOffer?: PlanOffer | null }) {
  const api = useApi();
  const base = useId();
  const [values, setValues] = useState<FormValues>(EMPTY_FORM);
  const [errors, setErrors] = useState<FormErrors>({});
  const [reference, setReference] = useState<ReferenceFile | null>(null);
  const [phase, setPhase] = useState<Phase>("idle");
  const [apiError, setApiError] = useState<ApiError | null>(null);
  const [optionsOpen, setOptionsOpen] = useState(false);
  const [plan, setPlan] = useState<PlanState | null>(null);
  const [planOpen, setPlanOpen] = useState(false);
  const [planServerErrors, setPlanServerErrors] = useState<PlanErrors | null>(null);
  const [loop, setLoop] = useState(false);
  const planRef = useRef<HTMLDetailsElement>(null);
  // One key per intended job: resubmitting after a network error must not make a second job.
  const idempotencyKey = useRef<string | null>(null);
  const uploaded = useRef<{ file: File; uploadId: string } | null>(null);
  const promptRef = useRef<HTMLTextAreaElement>(null);

  const set = (name: keyof FormValues) => (value: string) => {
    setValues((current) => ({ ...current, [name]: value }));
    idempotencyKey.current = null;
    if (errors[name]) setErrors((current) => ({ ...current, [name]: undefined }));
  };

  const ids = {
    prompt: `${base}-prompt`,
    durationS: `${base}-duration`,
    bpm: `${base}-bpm`,
    key: `${base}-key`,
    mode: `${base}-mode`,
    timeSignature: `${base}-ts`,
    genre: `${base}-genre`,
    seed: `${base}-seed`,
    masterPreset: `${base}-preset`,
    provider: `${base}-provider`,
    loop: `${base}-loop`,
    plan: `${base}-plan`,
  };

  // The tempo and metre the plan's length is shown at: the form's, else the source job's, else 120 in 4/4.
  const formBpm = validNumber(values.bpm, MIN_BPM, MAX_BPM);
  const planBpm = formBpm ?? plan?.bpm ?? DEFAULT_PLAN_BPM;
  const planBpmSource = formBpm !== null ? "your tempo" : plan?.bpm ? "the tempo of that job" : "assumed: the prompt may set another";
  const planTimeSignature = values.timeSignature || plan?.timeSignature || "4/4";
  // The server refuses a plan only if it cannot fit 10 minutes at the tempo it will use: the stated
  // one, or (none stated) the fastest it may choose, raising the tempo to fit (domain/job.py check_plan_length).
  const livePlanErrors: PlanErrors = plan
    ? validatePlan(plan.sections, planBpm, planTimeSignature, formBpm ?? MAX_BPM)
    : { sections: {} };
  const planErrors: PlanErrors = planServerErrors
    ? {
        plan: livePlanErrors.plan ?? planServerErrors.plan,
        sections: Object.fromEntries(
          [...new Set([...Object.keys(planServerErrors.sections), ...Object.keys(livePlanErrors.sections)])].map((index) => [
            index,
            { ...planServerErrors.sections[Number(index)], ...livePlanErrors.sections[Number(index)] },
          ]),
        ),
      }
    : livePlanErrors;

  const startDefaultPlan = () => {
    const durationS = validNumber(values.durationS, MIN_DURATION_S, MAX_DURATION_S) ?? DEFAULT_PLAN_DURATION_S;
    const bpm = formBpm ?? DEFAULT_PLAN_BPM;
    const signature = values.timeSignature || "4/4";
    setPlan({
      sections: draftsFrom(defaultPlan(durationS, bpm, signature)),
      origin: `A default plan for ${Math.round(durationS)} s at ${formatBpm(bpm)} BPM in ${signature}, computed here (the server derives its own from your prompt when you send no plan). Edit it to make the song you want.`,
      bpm: null,
      timeSignature: null,
    });
    setPlanServerErrors(null);
    idempotencyKey.current = null;
  };

  // A finished job offered its plan ("Edit this plan in a new track"): take it, with its prompt if the box is empty.
  const lastOffer = useRef<number | null>(null);
  useEffect(() => {
    if (!planOffer || lastOffer.current === planOffer.id) return;
    lastOffer.current = planOffer.id;
    setPlan({
      sections: draftsFrom(planOffer.plan),
      origin: planOffer.source,
      bpm: planOffer.bpm,
      timeSignature: planOffer.timeSignature,
    });
    setPlanServerErrors(null);
    setPlanOpen(true);
    setValues((current) => (current.prompt.trim() ? current : { ...current, prompt: planOffer.prompt }));
    idempotencyKey.current = null;
    requestAnimationFrame(() => planRef.current?.scrollIntoView?.({ block: "start", behavior: "smooth" }));
  }, [planOffer]);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (phase !== "idle") return;
    const found = validateForm(values);
    setErrors(found);
    setApiError(null);
    const firstInvalid = (Object.keys(found) as (keyof FormValues)[]).find((name) => found[name]);
    if (firstInvalid) {
      if (firstInvalid !== "prompt") setOptionsOpen(true);
      requestAnimationFrame(() => document.getElementById(ids[firstInvalid])?.focus());
      return;
    }
    if (plan && hasPlanErrors(livePlanErrors)) {
      setPlanOpen(true);
      focusFirstPlanProblem(livePlanErrors);
      return;
    }
    setPlanServerErrors(null);
    try {
      let uploadId: string | null = null;
      if (reference) {
        if (uploaded.current?.file === reference.file) {
          uploadId = uploaded.current.uploadId;
        } else {
          setPhase("uploading");
          const ticket = await api.createUpload({
            filename: reference.file.name,
            content_type: reference.contentType,
            size_bytes: reference.file.size,
          });
          await api.upload(ticket, reference.file, reference.contentType);
          uploaded.current = { file: reference.file, uploadId: ticket.upload_id };
          uploadId = ticket.upload_id;
        }
      }
      setPhase("submitting");
      idempotencyKey.current ??= crypto.randomUUID();
      const job = await api.createJob(
        buildCreateRequest(values, uploadId, plan ? planFromDrafts(plan.sections) : null, loop),
        idempotencyKey.current,
      );
      idempotencyKey.current = null;
      onCreated(job);
      setValues((current) => ({ ...current, prompt: "" }));
      setReference(null);
      uploaded.current = null;
      promptRef.current?.focus();
    } catch (error) {
      const failure = error instanceof ApiError ? error : new ApiError(0, "unexpected", String(error));
      setApiError(failure);
      const fromServer = failure.status === 422 ? planErrorsFromServer(failure.details) : null;
      if (fromServer && plan) {
        setPlanServerErrors(fromServer);
        setPlanOpen(true);
        focusFirstPlanProblem(fromServer);
      }
    } finally {
      setPhase("idle");
    }
  };

  function focusFirstPlanProblem(problems: PlanErrors) {
    const order: SectionField[] = ["name", "bars", "energy", "text", "add_roles", "mute_roles"];
    const index = Object.keys(problems.sections)
      .map(Number)
      .sort((a, b) => a - b)
      .find((i) => order.some((field) => problems.sections[i]?.[field]));
    const section = index !== undefined ? plan?.sections[index] : undefined;
    const field = index !== undefined ? order.find((name) => problems.sections[index]?.[name]) : undefined;
    requestAnimationFrame(() => {
      const target = section && field ? document.getElementById(planFieldId(ids.plan, section.key, field)) : null;
      if (target instanceof HTMLFieldSetElement) target.closest("details")?.setAttribute("open", "");
      (target instanceof HTMLFieldSetElement ? target.querySelector("input") : target)?.focus();
      if (!target) planRef.current?.scrollIntoView?.({ block: "start" });
    });
  }

  const busy = phase !== "idle";
  const promptLength = values.prompt.trim().length;

  return (
    <form className="panel prompt-form" onSubmit={(event) => void onSubmit(event)} noValidate aria-labelledby={`${base}-title`}>
      <h2 id={`${base}-title`}>New track</h2>
      <Field
        id={ids.prompt}
        label="Prompt"
        error={errors.prompt}
        hint={`${promptLength} / ${MAX_PROMPT_CHARS} characters. Say the genre, mood, tempo, key and instruments you want.`}
      >
        {(describedBy) => (
          <textarea
            ref={promptRef}
            id={ids.prompt}
            name="prompt"
            rows={3}
            value={values.prompt}
            placeholder="Dark techno at 132 bpm in A minor with a rolling bassline and airy pads"
            aria-invalid={errors.prompt ? true : undefined}
            aria-describedby={describedBy}
            onChange={(event) => set("prompt")(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter" && (event.metaKey || event.ctrlKey)) {
                event.preventDefault();
                event.currentTarget.form?.requestSubmit();
              }
            }}
          />
        )}
      </Field>

      <details className="options" open={optionsOpen} onToggle={(event) => setOptionsOpen(event.currentTarget.open)}>
        <summary>Options</summary>
        <div className="options__grid">
          <Field id={ids.durationS} label="Duration (seconds)" error={errors.durationS}>
            {(describedBy) => (
              <input
                id={ids.durationS}
                type="number"
                inputMode="decimal"
                min={5}
                max={MAX_DURATION_S}
                step="any"
                placeholder="60"
                value={values.durationS}
                aria-invalid={errors.durationS ? true : undefined}
                aria-describedby={describedBy}
                onChange={(event) => set("durationS")(event.target.value)}
              />
            )}
          </Field>
          <Field id={ids.bpm} label="Tempo (BPM)" error={errors.bpm}>
            {(describedBy) => (
              <input
                id={ids.bpm}
                type="number"
                inputMode="decimal"
                min={40}
                max={220}
                step="any"
                placeholder="from prompt"
                value={values.bpm}
                aria-invalid={errors.bpm ? true : undefined}
                aria-describedby={describedBy}
                onChange={(event) => set("bpm")(event.target.value)}
              />
            )}
          </Field>
          <Field id={ids.key} label="Key" error={errors.key}>
            {(describedBy) => (
              <select id={ids.key} value={values.key} aria-describedby={describedBy} onChange={(event) => set("key")(event.target.value)}>
                <option value="">from prompt</option>
                {PITCH_CLASSES.map((key) => (
                  <option key={key} value={key}>
                    {key}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id={ids.mode} label="Mode" error={errors.mode}>
            {(describedBy) => (
              <select id={ids.mode} value={values.mode} aria-describedby={describedBy} onChange={(event) => set("mode")(event.target.value)}>
                <option value="">from prompt</option>
                {MODES.map((mode) => (
                  <option key={mode} value={mode}>
                    {mode}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id={ids.timeSignature} label="Time signature" error={errors.timeSignature}>
            {(describedBy) => (
              <select
                id={ids.timeSignature}
                value={values.timeSignature}
                aria-describedby={describedBy}
                onChange={(event) => set("timeSignature")(event.target.value)}
              >
                <option value="">from prompt</option>
                {TIME_SIGNATURES.map((signature) => (
                  <option key={signature} value={signature}>
                    {signature}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id={ids.genre} label="Genre" error={errors.genre}>
            {(describedBy) => (
              <input
                id={ids.genre}
                type="text"
                maxLength={64}
                placeholder="from prompt"
                value={values.genre}
                aria-invalid={errors.genre ? true : undefined}
                aria-describedby={describedBy}
                onChange={(event) => set("genre")(event.target.value)}
              />
            )}
          </Field>
          <Field id={ids.masterPreset} label="Mastering preset" error={errors.masterPreset}>
            {(describedBy) => (
              <select
                id={ids.masterPreset}
                value={values.masterPreset}
                aria-describedby={describedBy}
                onChange={(event) => set("masterPreset")(event.target.value)}
              >
                {MASTER_PRESETS.map((preset) => (
                  <option key={preset} value={preset}>
                    {preset}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id={ids.seed} label="Seed" error={errors.seed}>
            {(describedBy) => (
              <input
                id={ids.seed}
                type="number"
                inputMode="numeric"
                min={0}
                step={1}
                placeholder="random"
                value={values.seed}
                aria-invalid={errors.seed ? true : undefined}
                aria-describedby={describedBy}
                onChange={(event) => set("seed")(event.target.value)}
              />
            )}
          </Field>
          <div className="field field--checkbox">
            <label htmlFor={ids.loop}>
              <input
                id={ids.loop}
                type="checkbox"
                checked={loop}
                onChange={(event) => {
                  setLoop(event.target.checked);
                  idempotencyKey.current = null;
                }}
              />{" "}
              Seamless loop
            </label>
            <span className="field-hint muted">Whole bars; the tail wraps into the start.</span>
          </div>
          <Field id={ids.provider} label="Provider" error={errors.provider}>
            {(describedBy) => (
              <select
                id={ids.provider}
                value={values.provider}
                aria-describedby={describedBy}
                onChange={(event) => set("provider")(event.target.value)}
              >
                {PROVIDERS.map((provider) => (
                  <option key={provider} value={provider}>
                    {provider}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <ReferenceUpload
          value={reference}
          disabled={busy}
          onChange={(next) => {
            setReference(next);
            idempotencyKey.current = null;
          }}
        />
      </details>

      <details
        ref={planRef}
        className="plan-options"
        open={planOpen}
        onToggle={(event) => setPlanOpen(event.currentTarget.open)}
        data-testid="plan-options"
      >
        <summary>Section plan{plan ? ` (${plan.sections.length} sections)` : ""}</summary>
        {plan ? (
          <>
            <PlanEditor
              idBase={ids.plan}
              sections={plan.sections}
              onChange={(sections) => {
                setPlan((current) => (current ? { ...current, sections } : current));
                setPlanServerErrors(null);
                idempotencyKey.current = null;
              }}
              bpm={planBpm}
              bpmSource={planBpmSource}
              tempoStated={formBpm !== null}
              timeSignature={planTimeSignature}
              origin={plan.origin}
              errors={planErrors}
            />
            <button
              type="button"
              className="button button--quiet"
              onClick={() => {
                setPlan(null);
                setPlanServerErrors(null);
                idempotencyKey.current = null;
              }}
            >
              Let AMP choose the sections
            </button>
          </>
        ) : (
          <div className="plan-options__empty">
            <p className="muted small">
              Without a plan AMP picks the sections from your prompt (“long intro”, “two drops”…). Write one to set each
              section’s length in bars and its energy; a plan sets the song’s length (up to 10 minutes).
            </p>
            <button type="button" className="button" onClick={startDefaultPlan}>
              Write a section plan
            </button>
          </div>
        )}
      </details>

      {apiError ? <ErrorMessage error={apiError} title="The job was not created" /> : null}

      <div className="prompt-form__actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {phase === "uploading" ? "Uploading reference…" : phase === "submitting" ? "Starting…" : "Generate"}
        </button>
      </div>
    </form>
  );
}
