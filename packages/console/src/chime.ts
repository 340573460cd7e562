/**
 * The console's sounds, made with WebAudio so there is no audio file to fetch (and nothing for
 * the CSP to allow): the new-conversation chime (two short sine tones) and the ring of an
 * incoming call. Browsers only let audio start after a user
 * gesture, so the context is created on the first click or key press and reused.
 */

type AudioContextCtor = new () => AudioContext;

function audioContextCtor(): AudioContextCtor | null {
  const g = globalThis as unknown as { AudioContext?: AudioContextCtor; webkitAudioContext?: AudioContextCtor };
  return g.AudioContext ?? g.webkitAudioContext ?? null;
}

/** Plays the alert; silently does nothing where audio is unavailable or still locked. */
export class Chime {
  private context: AudioContext | null = null;

  /** Call from a user gesture: creates or resumes the audio context. */
  unlock(): void {
    try {
      if (!this.context) {
        const Ctor = audioContextCtor();
        if (!Ctor) return;
        this.context = new Ctor();
      }
      if (this.context.state === 'suspended') void this.context.resume().catch(() => undefined);
    } catch {
      this.context = null;
    }
  }

  /** A soft rising two-note chime, about a third of a second long. */
  play(): void {
    this.tones([
      [660, 0, 0.2],
      [880, 0.14, 0.2],
    ], 0.18);
  }

  /**
   * One ring of an incoming call, about a second long: two bursts of a two-tone chord, the
   * cadence people know from a phone. Repeat it every few seconds while the call rings.
   */
  ring(): void {
    this.tones([
      [440, 0, 0.4],
      [480, 0, 0.4],
      [440, 0.6, 0.4],
      [480, 0.6, 0.4],
    ], 0.1);
  }

  private tones(notes: ReadonlyArray<[frequency: number, at: number, length: number]>, volume: number): void {
    const ctx = this.context;
    if (!ctx || ctx.state !== 'running') return;
    const start = ctx.currentTime + 0.01;
    for (const [frequency, at, length] of notes) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = frequency;
      // A quick attack and exponential release avoid the click of a hard start or stop.
      gain.gain.setValueAtTime(0.0001, start + at);
      gain.gain.exponentialRampToValueAtTime(volume, start + at + 0.015);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + at + length);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start + at);
      osc.stop(start + at + length + 0.02);
    }
  }
}
