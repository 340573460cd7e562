/**
 * The co-browse chunk, loaded by the core with `import()` only after the visitor agreed to
 * share. Records the page with rrweb (privacy decided here, before anything leaves), sends it in
 * numbered batches, draws the agents' pointer and runs their remote control when allowed.
 */
import type { CobrowseControlFrame, CobrowsePointerFrame } from '@parley/protocol';
import { record } from '@rrweb/record';
import { nanoid } from 'nanoid';
import type { CobrowseHost, CobrowseSession, StartCobrowse } from '../core/cobrowse-host.js';
import { runControl } from './control-actions.js';
import { EventBatcher } from './event-batcher.js';
import { PointerLayer } from './pointer-layer.js';
import { recordOptions } from './record-options.js';
import { scrubFieldValues } from './scrub.js';

/** Fresh full snapshots at most this often, however many agents join. */
const SNAPSHOT_EVERY_MS = 1000;

class Recording implements CobrowseSession {
  private readonly _batcher: EventBatcher;
  private readonly _pointers: PointerLayer;
  private _stopRecord: (() => void) | undefined;
  private _lastSnapshot = 0;
  private _snapshotTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly _host: CobrowseHost) {
    this._batcher = new EventBatcher({ conversationId: _host.conversationId, send: (frame) => _host.send(frame), newStream: nanoid });
    this._pointers = new PointerLayer(_host.layer, (id) => record.mirror.getNode(id));
    this._lastSnapshot = Date.now();
    // record() takes the first full snapshot itself (at once, or when the page has loaded).
    const find = (id: number): Node | null => record.mirror.getNode(id);
    const emit = (event: Parameters<EventBatcher['push']>[0]): void => this._batcher.push(scrubFieldValues(event, find, _host.unmask));
    this._stopRecord = record(recordOptions(emit, _host.unmask)) ?? undefined;
  }

  snapshot(): void {
    if (this._snapshotTimer) return;
    const wait = this._lastSnapshot + SNAPSHOT_EVERY_MS - Date.now();
    if (wait <= 0) return this._takeSnapshot();
    // Several agents joining at once get one snapshot, not one each.
    this._snapshotTimer = setTimeout(() => this._takeSnapshot(), wait);
  }

  restart(): void {
    this._batcher.restart();
    clearTimeout(this._snapshotTimer);
    this._snapshotTimer = undefined;
    this._takeSnapshot();
  }

  pointer(frame: CobrowsePointerFrame): void {
    this._pointers.show(frame);
  }

  control(frame: CobrowseControlFrame): void {
    if (this._host.controlling()) runControl(frame, (id) => record.mirror.getNode(id), this._host.unmask);
  }

  stop(): void {
    clearTimeout(this._snapshotTimer);
    this._stopRecord?.();
    this._stopRecord = undefined;
    this._batcher.drop();
    this._pointers.stop();
  }

  private _takeSnapshot(): void {
    this._snapshotTimer = undefined;
    this._lastSnapshot = Date.now();
    // A lost frame would leave the agents a hole: a new stream starts with this snapshot instead.
    if (this._batcher.broken) this._batcher.restart();
    try {
      record.takeFullSnapshot();
    } catch {
      // Not recording yet (the page is still loading): record() will take the first snapshot.
    }
  }
}

/** Starts recording the page for the agents of `host.conversationId`. */
export const startCobrowse: StartCobrowse = (host) => new Recording(host);
