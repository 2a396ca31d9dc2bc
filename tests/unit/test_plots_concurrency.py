"""Two jobs drawing at once in one process (amp serve workers) must both get their PNGs."""

import threading

import numpy as np

from amp.plots import spectrogram_png, waveform_png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_concurrent_waveform_and_spectrogram_drawing_all_succeed() -> None:
    audio = (np.random.default_rng(0).standard_normal((2, 44_100 * 2)) * 0.1).astype(np.float32)
    results: list[bytes] = []
    errors: list[BaseException] = []

    def draw() -> None:
        try:
            for _ in range(2):
                results.append(waveform_png(audio, 44_100, "mix"))
                results.append(spectrogram_png(audio, 44_100, "mix"))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 16 and all(png.startswith(PNG_SIGNATURE) for png in results)
