import { vi } from "vitest";
import type { Artifact, Job, MusicSpec, QAReport } from "../api/types";

let counter = 0;

export function jobId(): string {
  counter += 1;
  return counter.toString(16).padStart(32, "0");
}

export const SPEC: MusicSpec = {
  genre: "techno",
  bpm: 132,
  key: "A",
  mode: "minor",
  time_signature: "4/4",
  duration_s: 6,
  instruments: [
    { name: "kick", role: "drums" },
    { name: "sub bass", role: "bass" },
  ],
  mood: ["dark"],
  energy: 0.8,
  excluded_roles: [],
  structure_hints: [],
  seed: 7,
  provenance: { genre: "stated", bpm: "stated", key: "stated", mode: "stated", energy: "inferred", duration_s: "overridden" },
  notes: ["Tempo taken from the prompt."],
};

export const QA: QAReport = {
  passed: true,
  integrated_lufs: -14.1,
  true_peak_dbtp: -1.3,
  target_lufs: -14,
  mastering_pass: 1,
  checks: [
    { name: "loudness", value: -14.1, threshold: "-14 ± 1 LUFS", passed: true, message: "Within the target.", remasterable: true, severity: "hard" },
    { name: "true_peak", value: -1.3, threshold: "<= -1.0 dBTP", passed: true, message: "Below the ceiling.", remasterable: true, severity: "hard" },
    { name: "tempo", value: 128.2, threshold: "132 ± 2 BPM", passed: false, message: "Tempo measured 128.2 BPM.", remasterable: false, severity: "hard" },
  ],
};

export function artifacts(id: string): Artifact[] {
  const base = `/files/jobs/local/${id}`;
  return [
    { kind: "mix", role: null, content_type: "audio/wav", size_bytes: 1_058_444, url: `${base}/mix.wav` },
    { kind: "preview", role: null, content_type: "audio/mpeg", size_bytes: 96_000, url: `${base}/preview.mp3` },
    { kind: "stem", role: "drums", content_type: "audio/wav", size_bytes: 529_000, url: `${base}/stems/drums.wav` },
    { kind: "stem", role: "bass", content_type: "audio/wav", size_bytes: 529_000, url: `${base}/stems/bass.wav` },
    { kind: "midi", role: null, content_type: "audio/midi", size_bytes: 900, url: `${base}/song.mid` },
    { kind: "waveform", role: null, content_type: "image/png", size_bytes: 9_000, url: `${base}/waveform.png` },
    { kind: "spectrogram", role: null, content_type: "image/png", size_bytes: 40_000, url: `${base}/spectrogram.png` },
    { kind: "report", role: null, content_type: "application/json", size_bytes: 2_000, url: `${base}/report.json` },
  ];
}

export function makeJob(overrides: Partial<Job> = {}): Job {
  const id = overrides.id ?? jobId();
  return {
    id,
    prompt: "Dark techno at 132 bpm in A minor",
    status: "QUEUED",
    stage: null,
    progress: 0,
    options: { master_preset: "streaming", provider: "procedural", overrides: {} },
    spec: null,
    qa: null,
    error: null,
    created_at: "2026-11-26T10:00:00Z",
    updated_at: "2026-11-26T10:00:00Z",
    reference_key: null,
    artifacts: [],
    status_url: `/jobs/${id}`,
    parent_job_id: null,
    ...overrides,
  };
}

export function succeededJob(overrides: Partial<Job> = {}): Job {
  const id = overrides.id ?? jobId();
  return makeJob({
    id,
    status: "SUCCEEDED",
    stage: "publish",
    progress: 1,
    spec: SPEC,
    qa: QA,
    artifacts: artifacts(id),
    updated_at: "2026-11-26T10:00:42Z",
    ...overrides,
  });
}

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

export interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A fetch double: answers by "METHOD path" (query string ignored unless given) and records calls. */
export function fakeFetch(handler: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.toString() : input.url;
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => {
      headers[key] = value;
    });
    let body: unknown = init?.body;
    if (typeof body === "string") {
      try {
        body = JSON.parse(body);
      } catch {
        // leave as text
      }
    }
    const call = { method: (init?.method ?? "GET").toUpperCase(), url, headers, body };
    calls.push(call);
    return handler(call);
  });
  return { fetch: fn as unknown as typeof fetch, calls };
}
