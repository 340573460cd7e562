/**
 * Message appends of the PostgreSQL store, batched: every append queued while the previous batch
 * was on the wire goes in the next one, as ONE call of the database function
 * `parley_append_messages` (`pg-append-function.ts`), so a node's throughput is bound by how
 * much a round trip carries, not by how many round trips it makes. Up to `MAX_IN_FLIGHT` batches
 * are on the wire at once, on different connections of the pool, so a node is not bound by one
 * durable commit at a time either (PostgreSQL flushes the WAL of commits that wait together
 * once). Batches in flight together may commit in any order; the broker sends one message of a
 * conversation at a time from a node, so a conversation's messages from one node still get
 * their seqs in the order they arrived.
 *
 * Why a function and not one statement: seqs must stay gapless and client ids deduplicated when
 * several nodes append to the same conversation at once. The function first locks the batch's
 * conversations (in id order, so two nodes never deadlock), and only THEN, in a second
 * statement, reads what is stored: in READ COMMITTED each statement of a function sees a fresh
 * snapshot, so the second one sees every append that committed before the locks were granted,
 * and none to these conversations can commit until this one does. A single statement would read
 * a snapshot taken before it waited for the locks: it could miss the message another node just
 * stored with the same client id, take a seq for it, and leave a gap. The second statement
 * classifies each input (a stored `(author_id, client_id)` is a duplicate; an unknown
 * conversation `not_found`; a taken message id `conflict`), numbers the new ones per
 * conversation after `last_seq`, inserts them with ON CONFLICT DO NOTHING and advances each
 * conversation once. Should an insert still clash (a retry of the same client id naming another
 * conversation, committed by another node in between), the function raises SQLSTATE 40001 and
 * the whole call is run again (`pg-database.ts`): nothing is half-written and no seq is skipped.
 *
 * Each caller gets its own outcome: an unknown conversation rejects only its own append. Inputs
 * that repeat an earlier input of the same batch (same author and client id: a concurrent retry)
 * are not sent: they get the earlier one's message as a duplicate, or go to the next batch when
 * the earlier one was refused. A connection failure rejects the whole batch with
 * `DatabaseConnectionError`; whether it committed is then unknown, which is safe: a client resends
 * with the same client id and gets the stored message back.
 */
import type { Message } from '@parley/protocol';
import { pgText, type PgDatabase } from './pg-database.js';
import { messageFromRow, type ConversationRow, type MessageRow } from './pg-rows.js';
import { notFound, StorageError } from './storage-error.js';
import type { AppendResult, NewMessage } from './storage.js';

/** Most appends per call: bounds the statement's size and the time its locks are held. */
const MAX_BATCH = 1_000;

/**
 * Most batches on the wire at once: enough to overlap commit round trips, few enough to leave
 * the pool's other connections to reads.
 */
const MAX_IN_FLIGHT = 4;

// Captured at load so that tests faking timers cannot stall the store's writes.
const nextTurn = setImmediate;

interface Pending {
  input: NewMessage;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/** One input's outcome as the function reports it. */
interface Outcome {
  outcome: 'new' | 'duplicate' | 'not_found' | 'conflict';
  seq: number | null;
  existing: MessageRow | null;
}

/** What the function returns. */
interface BatchResult {
  results: Outcome[];
  conversations: ConversationRow[];
}

const APPEND_SQL = 'SELECT parley_append_messages($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[]) AS result';

/** The appends of one PostgreSQL store. */
export class PgAppendBatch {
  readonly #db: PgDatabase;
  readonly #onCommit: (conversations: ConversationRow[]) => void;
  #queue: Pending[] = [];
  #scheduled = false;
  readonly #inFlight = new Set<Promise<void>>();

  /**
   * @param onCommit Called once per committed batch, before any caller's promise settles, with
   *   the row of each conversation that received a new message (its state after the batch).
   */
  constructor(db: PgDatabase, onCommit: (conversations: ConversationRow[]) => void) {
    this.#db = db;
    this.#onCommit = onCommit;
  }

  /** Queues an append; resolves once the batch holding it has committed. */
  submit(input: NewMessage): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.#queue.push({ input, resolve, reject });
      this.#schedule();
    });
  }

  /** Resolves once every append queued so far has settled. */
  async drain(): Promise<void> {
    while (this.#inFlight.size > 0 || this.#queue.length > 0 || this.#scheduled) {
      if (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
      else await new Promise((resolve) => nextTurn(resolve));
    }
  }

  /** Starts a batch on the next turn unless as many as may be are on the wire (one ending starts the next). */
  #schedule(): void {
    if (this.#scheduled || this.#inFlight.size >= MAX_IN_FLIGHT) return;
    this.#scheduled = true;
    nextTurn(() => {
      this.#scheduled = false;
      this.#sendNext();
    });
  }

  #sendNext(): void {
    if (this.#inFlight.size >= MAX_IN_FLIGHT || this.#queue.length === 0) return;
    const batch = this.#queue.splice(0, MAX_BATCH);
    const sending: Promise<void> = this.#send(batch).finally(() => {
      this.#inFlight.delete(sending);
      this.#sendNext();
    });
    this.#inFlight.add(sending);
  }

  /** Sends one batch and settles its callers. Never rejects. */
  async #send(batch: Pending[]): Promise<void> {
    try {
      const { sent, followers } = splitRepeats(batch);
      const [row] = await this.#db.query<{ result: BatchResult }>(APPEND_SQL, columns(sent.map((pending) => pending.input)), 'conversation');
      const result = row!.result;
      this.#onCommit(result.conversations);
      const settled = sent.map((pending, index) => settle(pending, result.results[index]));
      const again: Pending[] = [];
      for (const { pending, leader } of followers) {
        const first = settled[leader];
        if (first) pending.resolve({ message: { ...first.message }, duplicate: true });
        else again.push(pending);
      }
      // Repeats of a refused append try on their own, first in the next batch.
      if (again.length > 0) this.#queue.unshift(...again);
    } catch (error) {
      // A caller already settled keeps its outcome: a promise settles once.
      for (const pending of batch) pending.reject(error);
    }
  }
}

/** Settles one caller from its outcome; returns its result, or null when it was refused. */
function settle(pending: Pending, outcome: Outcome | undefined): AppendResult | null {
  const { input } = pending;
  switch (outcome?.outcome) {
    case 'new': {
      const message: Message = {
        id: input.id,
        conversationId: input.conversationId,
        seq: outcome.seq!,
        clientId: input.clientId,
        author: input.author,
        authorId: input.authorId,
        ...(input.authorName === undefined ? {} : { authorName: pgText(input.authorName) }),
        text: pgText(input.text),
        at: input.at,
      };
      const result = { message, duplicate: false };
      pending.resolve({ message: { ...message }, duplicate: false });
      return result;
    }
    case 'duplicate': {
      const result = { message: messageFromRow(outcome.existing!), duplicate: true };
      pending.resolve({ message: { ...result.message }, duplicate: true });
      return result;
    }
    case 'not_found':
      pending.reject(notFound('conversation', input.conversationId));
      return null;
    case 'conflict':
      pending.reject(new StorageError('conflict', `A message with id ${JSON.stringify(input.id)} is already stored.`));
      return null;
    default:
      pending.reject(new Error('The append batch reported no outcome for this message.'));
      return null;
  }
}

/**
 * Splits a batch into the inputs to send and the ones that repeat an earlier input's author and
 * client id, or its message id (each with the index of that earlier input among those sent).
 */
function splitRepeats(batch: Pending[]): { sent: Pending[]; followers: { pending: Pending; leader: number }[] } {
  const sent: Pending[] = [];
  const followers: { pending: Pending; leader: number }[] = [];
  const byKey = new Map<string, number>();
  const byId = new Map<string, number>();
  for (const pending of batch) {
    const key = `${pending.input.authorId}\u0000${pending.input.clientId}`;
    const sameKey = byKey.get(key);
    if (sameKey !== undefined) {
      followers.push({ pending, leader: sameKey });
      continue;
    }
    const sameId = byId.get(pending.input.id);
    if (sameId !== undefined) {
      // A reused message id under another client id: decided alone, in the next batch.
      followers.push({ pending, leader: -1 });
      continue;
    }
    byKey.set(key, sent.length);
    byId.set(pending.input.id, sent.length);
    sent.push(pending);
  }
  return { sent, followers };
}

/** The function's array parameters, one per column. */
function columns(inputs: NewMessage[]): unknown[] {
  return [
    inputs.map((input) => input.id),
    inputs.map((input) => input.conversationId),
    inputs.map((input) => input.clientId),
    inputs.map((input) => input.author),
    inputs.map((input) => input.authorId),
    inputs.map((input) => input.authorName ?? null),
    inputs.map((input) => input.text),
    inputs.map((input) => input.at),
  ];
}
