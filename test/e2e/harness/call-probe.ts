/**
 * Watches a page's WebRTC from the outside. Browsers list no page's peer connections, so an init
 * script (run before any page script) puts an observing subclass in place of
 * `RTCPeerConnection` and wraps `getUserMedia`: both call the browser's own implementation
 * unchanged and only remember what they returned (or why they failed). The tests then read
 * `getStats()`, the connection states and the microphone tracks of what the page really made.
 */
import type { Page } from 'playwright-core';

/** Installs the probe in `page` (before it loads; it also covers later navigations). */
export async function installCallProbe(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const probe: { peers: RTCPeerConnection[]; streams: MediaStream[]; mediaErrors: string[] } = { peers: [], streams: [], mediaErrors: [] };
    Object.defineProperty(window, '__parleyCallProbe', { value: probe });
    const Native = window.RTCPeerConnection;
    if (Native) {
      class ObservedPeerConnection extends Native {
        constructor(configuration?: RTCConfiguration) {
          super(configuration);
          probe.peers.push(this);
        }
      }
      Object.defineProperty(window, 'RTCPeerConnection', { value: ObservedPeerConnection, writable: true, configurable: true });
    }
    const media = navigator.mediaDevices;
    if (media && typeof media.getUserMedia === 'function') {
      const getUserMedia = media.getUserMedia.bind(media);
      media.getUserMedia = async (constraints?: MediaStreamConstraints) => {
        try {
          const stream = await getUserMedia(constraints);
          probe.streams.push(stream);
          return stream;
        } catch (error) {
          probe.mediaErrors.push((error as Error).name);
          throw error;
        }
      };
    }
  });
}

/** Audio counters of one peer connection (sums over its RTP streams). */
export interface AudioStats {
  connectionState: RTCPeerConnectionState;
  signalingState: RTCSignalingState;
  /** inbound-rtp audio `bytesReceived`. */
  bytesReceived: number;
  /** outbound-rtp audio `bytesSent`. */
  bytesSent: number;
  /** outbound-rtp audio `packetsSent`. */
  packetsSent: number;
}

/** The states and audio counters of every peer connection the page made, oldest first. */
export function peerStats(page: Page): Promise<AudioStats[]> {
  return page.evaluate(async () => {
    const probe = (window as unknown as { __parleyCallProbe?: { peers: RTCPeerConnection[] } }).__parleyCallProbe;
    const out: AudioStats[] = [];
    for (const pc of probe?.peers ?? []) {
      const stats: AudioStats = { connectionState: pc.connectionState, signalingState: pc.signalingState, bytesReceived: 0, bytesSent: 0, packetsSent: 0 };
      if (pc.signalingState !== 'closed') {
        const report = await pc.getStats();
        report.forEach((entry: { type: string; kind?: string; bytesReceived?: number; bytesSent?: number; packetsSent?: number }) => {
          if (entry.kind !== 'audio') return;
          if (entry.type === 'inbound-rtp') stats.bytesReceived += entry.bytesReceived ?? 0;
          if (entry.type === 'outbound-rtp') {
            stats.bytesSent += entry.bytesSent ?? 0;
            stats.packetsSent += entry.packetsSent ?? 0;
          }
        });
      }
      out.push(stats);
    }
    return out;
  });
}

/** The counters of the page's newest peer connection (the call under way); fails when it made none. */
export async function callStats(page: Page): Promise<AudioStats> {
  const all = await peerStats(page);
  const newest = all.at(-1);
  if (!newest) throw new Error('The page has made no RTCPeerConnection.');
  return newest;
}

/** How many peer connections the page has made. */
export async function peerCount(page: Page): Promise<number> {
  return (await peerStats(page)).length;
}

/** The `readyState` of every track of every stream `getUserMedia` gave the page. */
export function microphoneTracks(page: Page): Promise<{ kind: string; readyState: MediaStreamTrackState }[]> {
  return page.evaluate(() => {
    const probe = (window as unknown as { __parleyCallProbe?: { streams: MediaStream[] } }).__parleyCallProbe;
    return (probe?.streams ?? []).flatMap((stream) => stream.getTracks().map((track) => ({ kind: track.kind, readyState: track.readyState })));
  });
}

/** The names of the errors `getUserMedia` rejected with in the page (`NotAllowedError`, ...). */
export function microphoneErrors(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __parleyCallProbe?: { mediaErrors: string[] } }).__parleyCallProbe?.mediaErrors ?? []);
}
