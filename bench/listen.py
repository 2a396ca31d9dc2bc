"""Listening proxy: AMP's render of six prompts side by side with a FluidSynth render of the same MIDI.

    .venv/bin/python bench/listen.py                 # 30 s each, PNGs in bench/results/listen_*.png
    .venv/bin/python bench/listen.py --duration 20 --only quartet piano

For each prompt (a string quartet, a solo piano, a choir, a rock band, a jazz trio, a techno track)
the prompt is parsed as the pipeline parses it, every stem is rendered by the procedural provider,
and the stems' MIDI files (what was played) are rendered again by the FluidSynth CLI with
FluidR3_GM (reverb and chorus off). Printed per prompt: the band (role: instrument -> source), the
sum's loudness and the octave-band balance of both renders, and the largest band difference. A
sampled part should sit within a few dB of FluidSynth in every band; a synth part (techno) is meant
to differ (its MIDI names only the nearest General MIDI program). The PNG shows both spectrograms
one above the other on one colour scale, to look at.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyloudnorm
import soundfile

from amp.audio_io import SAMPLE_RATE
from amp.config import soundfont_candidates
from amp.domain.job import JobOptions
from amp.prompt import parse_prompt
from amp.providers.procedural import ProceduralProvider
from amp.synth.sources import source_for_part

PROMPTS: dict[str, str] = {
    "quartet": "a string quartet, gentle, in G",
    "piano": "solo piano nocturne in E minor",
    "choir": "an a cappella choir singing a slow hymn",
    "rock": "a rock band with distorted guitars, bass and drums at 140 bpm",
    "jazz": "a jazz trio with piano, upright bass and brushed drums",
    "techno": "dark techno at 132 bpm in A minor",
}
OCTAVE_CENTRES_HZ = (63, 125, 250, 500, 1000, 2000, 4000, 8000, 16000)
RESULTS = Path(__file__).parent / "results"


def band_balance_db(audio: np.ndarray) -> np.ndarray:
    """Energy per octave band relative to the total, in dB: the tonal balance, level-independent."""
    mono = audio.mean(axis=0)
    spectrum = np.abs(np.fft.rfft(mono)) ** 2
    freqs = np.fft.rfftfreq(mono.size, 1.0 / SAMPLE_RATE)
    total = spectrum.sum() + 1e-20
    bands = []
    for centre in OCTAVE_CENTRES_HZ:
        band = (freqs >= centre / np.sqrt(2)) & (freqs < centre * np.sqrt(2))
        bands.append(10 * np.log10(spectrum[band].sum() / total + 1e-12))
    return np.array(bands)


def fluidsynth_render(midi: bytes, frames: int, soundfont: Path, work: Path) -> np.ndarray:
    """The reference player: the FluidSynth CLI, file output, no reverb or chorus."""
    cli = shutil.which("fluidsynth")
    if cli is None:
        sys.exit("fluidsynth is required (scripts/setup installs it)")
    midi_path, wav_path = work / "part.mid", work / "part.wav"
    midi_path.write_bytes(midi)
    command = [cli, "-ni", "-q", "-R", "0", "-C", "0", "-g", "0.5", "-r", str(SAMPLE_RATE)]
    subprocess.run([*command, "-F", str(wav_path), str(soundfont), str(midi_path)], check=True)  # nosec B603: fluidsynth found on PATH, fixed argv
    audio, _ = soundfile.read(wav_path, dtype="float32", always_2d=True)
    out = np.zeros((2, frames), dtype=np.float32)
    length = min(frames, audio.shape[0])
    out[:, :length] = audio[:length].T
    return out


def spectrogram_pair_png(amp_mix: np.ndarray, reference: np.ndarray, title: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(2, 1, figsize=(12, 7), sharex=True)
    for axis, audio, label in ((axes[0], amp_mix, "AMP"), (axes[1], reference, "FluidSynth, same MIDI")):
        mono = audio.mean(axis=0) / (np.abs(audio).max() + 1e-9)
        axis.specgram(mono, NFFT=4096, Fs=SAMPLE_RATE, noverlap=3072, cmap="magma", vmin=-130, vmax=-20)
        axis.set_yscale("symlog", linthresh=200)
        axis.set_ylim(30, 16000)
        axis.set_ylabel("Hz")
        axis.set_title(f"{title}: {label}")
    axes[1].set_xlabel("seconds")
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", nargs="*", choices=sorted(PROMPTS), default=None)
    args = parser.parse_args()
    soundfont = next((path for path in soundfont_candidates() if path.exists()), None)
    if soundfont is None:
        sys.exit("no SoundFont found: apt-get install fluid-soundfont-gm (or set AMP_SOUNDFONT)")
    RESULTS.mkdir(exist_ok=True)
    meter = pyloudnorm.Meter(SAMPLE_RATE)
    provider = ProceduralProvider()
    print(f"octave bands (Hz): {OCTAVE_CENTRES_HZ}")
    for name in args.only or PROMPTS:
        prompt = PROMPTS[name]
        options = JobOptions(duration_s=args.duration, seed=args.seed)
        spec = parse_prompt(prompt, options=options, seed_source="listen")
        score = provider.compose(spec)
        frames = round(spec.duration_s * SAMPLE_RATE)
        amp_mix = np.zeros((2, frames), dtype=np.float32)
        reference = np.zeros((2, frames), dtype=np.float32)
        band: list[str] = []
        with tempfile.TemporaryDirectory() as tmp:
            for role in spec.roles():
                stem = provider.render_stem(spec, role)
                amp_mix[:, : stem.audio.shape[1]] += stem.audio[:, :frames]
                part = score.parts[role]
                band.append(
                    f"{role.value}: {'/'.join(part.instruments) or part.patch} -> {source_for_part(part)}"
                )
                if stem.midi is not None:
                    played = fluidsynth_render(stem.midi, frames, soundfont, Path(tmp))
                    # each part at AMP's level, so the sums compare tonal balance, not mixing
                    amp_rms = float(np.sqrt(np.mean(stem.audio**2)) + 1e-12)
                    ref_rms = float(np.sqrt(np.mean(played**2)) + 1e-12)
                    reference += played * (amp_rms / ref_rms)
        amp_bands, ref_bands = band_balance_db(amp_mix), band_balance_db(reference)
        difference = amp_bands - ref_bands
        print(
            f"\n== {name}: {prompt!r} -> {spec.genre}, {spec.bpm:g} bpm, {spec.key} {spec.mode.value}, "
            f"{spec.time_signature}"
        )
        for line in band:
            print(f"   {line}")
        print(
            f"   loudness AMP {meter.integrated_loudness(amp_mix.T):.1f} LUFS, "
            f"FluidSynth {meter.integrated_loudness(reference.T):.1f} LUFS (stems summed, unmastered)"
        )
        print("   bands AMP        " + " ".join(f"{v:6.1f}" for v in amp_bands))
        print("   bands FluidSynth " + " ".join(f"{v:6.1f}" for v in ref_bands))
        print(
            f"   largest band difference {np.abs(difference).max():.1f} dB "
            f"(at {OCTAVE_CENTRES_HZ[int(np.abs(difference).argmax())]} Hz)"
        )
        png = RESULTS / f"listen_{name}.png"
        spectrogram_pair_png(amp_mix, reference, f"{name} ({spec.genre})", png)
        print(f"   {png}")


if __name__ == "__main__":
    main()
