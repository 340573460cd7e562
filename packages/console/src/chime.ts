/**
 * The new-conversation sound: two short sine tones made with WebAudio, so there is no audio file
 * to fetch (and nothing for the CSP to allow). Browsers only let audio start after a user
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
    const ctx = this.context;
    if (!ctx || ctx.state !== 'running') return;
    const start = ctx.currentTime + 0.01;
    const notes: Array<[frequency: number, at: number]> = [
      [660, 0],
      [880, 0.14],
    ];
    for (const [frequency, at] of notes) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = frequency;
      // A quick attack and exponential release avoid the click of a hard start or stop.
      gain.gain.setValueAtTime(0.0001, start + at);
      gain.gain.exponentialRampToValueAtTime(0.18, start + at + 0.015);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + at + 0.2);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start + at);
      osc.stop(start + at + 0.22);
    }
  }
}
