export const MAX_PROMPT_CHARS = 2000;
export const MIN_DURATION_S = 5;
/** Issue 16: songs from 5 s to 10 min (domain/spec.py MAX_DURATION_S). */
export const MAX_DURATION_S = 600;
export const MIN_BPM = 40;
export const MAX_BPM = 220;
export const MAX_SEED = 2 ** 32 - 1;
export const MAX_REFERENCE_BYTES = 50 * 1024 * 1024;

export const PITCH_CLASSES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"] as const;
export const MODES = ["major", "minor", "dorian", "phrygian", "lydian", "mixolydian", "aeolian", "locrian"] as const;
export const TIME_SIGNATURES = ["4/4", "3/4", "6/8", "5/4", "7/8", "12/8", "2/4"] as const;
export const MASTER_PRESETS = ["streaming", "club", "broadcast"] as const;
export const PROVIDERS = ["procedural", "stability"] as const;

/** Reference formats the analyser reads, by extension, with the content type to upload as. */
export const REFERENCE_TYPES: Record<string, string> = {
  wav: "audio/wav",
  flac: "audio/flac",
  ogg: "audio/ogg",
  mp3: "audio/mpeg",
  aiff: "audio/aiff",
  aif: "audio/aiff",
};

export const REFERENCE_ACCEPT = ".wav,.flac,.ogg,.mp3,.aiff,.aif,audio/wav,audio/x-wav,audio/flac,audio/ogg,audio/mpeg,audio/aiff,audio/x-aiff";

export interface FormValues {
  prompt: string;
  durationS: string;
  bpm: string;
  key: string;
  mode: string;
  timeSignature: string;
  genre: string;
  seed: string;
  masterPreset: string;
  provider: string;
}

export const EMPTY_FORM: FormValues = {
  prompt: "",
  durationS: "",
  bpm: "",
  key: "",
  mode: "",
  timeSignature: "",
  genre: "",
  seed: "",
  masterPreset: "streaming",
  provider: "procedural",
};

export type FormErrors = Partial<Record<keyof FormValues, string>>;

function numberIn(raw: string, min: number, max: number, label: string, integer = false): string | undefined {
  const trimmed = raw.trim();
  if (!trimmed) return undefined;
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return `${label} must be a number.`;
  if (integer && !Number.isInteger(value)) return `${label} must be a whole number.`;
  if (value < min || value > max) return `${label} must be between ${min} and ${max}.`;
  return undefined;
}

export function validateForm(values: FormValues): FormErrors {
  const errors: FormErrors = {};
  const prompt = values.prompt.trim();
  if (!prompt) errors.prompt = "Describe the music you want.";
  else if (prompt.length > MAX_PROMPT_CHARS) {
    errors.prompt = `The prompt is ${prompt.length} characters; the limit is ${MAX_PROMPT_CHARS}.`;
  }
  const duration = numberIn(values.durationS, MIN_DURATION_S, MAX_DURATION_S, "Duration (seconds)");
  if (duration) errors.durationS = duration;
  const bpm = numberIn(values.bpm, MIN_BPM, MAX_BPM, "Tempo (BPM)");
  if (bpm) errors.bpm = bpm;
  const seed = numberIn(values.seed, 0, MAX_SEED, "Seed", true);
  if (seed) errors.seed = seed;
  if (values.key && !(PITCH_CLASSES as readonly string[]).includes(values.key)) errors.key = "Choose a key from the list.";
  if (values.mode && !(MODES as readonly string[]).includes(values.mode)) errors.mode = "Choose a mode from the list.";
  if (values.genre.length > 64) errors.genre = "Genre must be at most 64 characters.";
  if (!(MASTER_PRESETS as readonly string[]).includes(values.masterPreset)) errors.masterPreset = "Choose a preset.";
  if (!(PROVIDERS as readonly string[]).includes(values.provider)) errors.provider = "Choose a provider.";
  return errors;
}

export interface ReferenceCheck {
  ok: boolean;
  message?: string;
  contentType?: string;
}

export function checkReferenceFile(file: Pick<File, "name" | "size" | "type">): ReferenceCheck {
  const extension = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase() ?? "";
  const contentType = REFERENCE_TYPES[extension];
  if (!contentType) {
    return { ok: false, message: `${file.name} is not a WAV, FLAC, OGG, MP3 or AIFF file.` };
  }
  if (file.size === 0) return { ok: false, message: `${file.name} is empty.` };
  if (file.size > MAX_REFERENCE_BYTES) {
    const mb = (file.size / (1024 * 1024)).toFixed(1);
    return { ok: false, message: `${file.name} is ${mb} MB; reference tracks can be at most 50 MB.` };
  }
  return { ok: true, contentType };
}
