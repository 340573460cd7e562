/**
 * The ring of an incoming call: two short bursts of a two-tone chord, made with WebAudio (no
 * sound file to fetch, nothing for the host page's CSP to allow). Silent where the browser does
 * not let the page play sound yet (no interaction with it so far) or has no WebAudio.
 */
let audio: AudioContext | undefined;

/** Plays one ring, about a second long; repeat it every few seconds while the call rings. */
export function ring(): void {
  try {
    audio ??= new AudioContext();
    void audio.resume().catch(() => undefined);
    const t = audio.currentTime;
    for (const start of [0, 0.45]) {
      for (const hz of [440, 480]) {
        const tone = audio.createOscillator();
        const level = audio.createGain();
        tone.frequency.value = hz;
        level.gain.setValueAtTime(0.06, t + start);
        level.gain.exponentialRampToValueAtTime(0.001, t + start + 0.35);
        tone.connect(level).connect(audio.destination);
        tone.start(t + start);
        tone.stop(t + start + 0.4);
      }
    }
  } catch {
    // No WebAudio here: the dialog alone has to do.
  }
}
