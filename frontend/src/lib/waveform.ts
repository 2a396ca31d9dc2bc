/** Min/max pairs per bucket across channels, for drawing a waveform of `buckets` columns. */
export function computePeaks(channels: readonly Float32Array[], buckets: number): { min: number; max: number }[] {
  const length = channels.reduce((longest, channel) => Math.max(longest, channel.length), 0);
  const count = Math.max(1, Math.floor(buckets));
  const peaks: { min: number; max: number }[] = [];
  for (let bucket = 0; bucket < count; bucket += 1) {
    const start = Math.floor((bucket * length) / count);
    const end = Math.max(start + 1, Math.floor(((bucket + 1) * length) / count));
    let min = 0;
    let max = 0;
    for (const channel of channels) {
      for (let index = start; index < end && index < channel.length; index += 1) {
        const sample = channel[index] ?? 0;
        if (sample < min) min = sample;
        if (sample > max) max = sample;
      }
    }
    peaks.push({ min, max });
  }
  return peaks;
}
