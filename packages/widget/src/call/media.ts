/**
 * The browser's microphone and peer connection, behind two functions: the only place the call
 * chunk touches `getUserMedia` and `RTCPeerConnection`, so the call flow and its UI run (and are
 * tested) without them.
 */
import type { IceServer } from '@parley/protocol';

/** Asks for the microphone; rejects when it is refused, missing or unavailable (an insecure page). */
export async function openMic(): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({ audio: true });
}

/** A peer connection using the call's STUN and TURN servers. */
export function newPeer(iceServers: IceServer[]): RTCPeerConnection {
  return new RTCPeerConnection({ iceServers });
}
