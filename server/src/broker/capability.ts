/**
 * The capability seam: what the broker does is a list of capabilities (chat, the inbox, visitor
 * activity, co-browse, calls, callback requests, and whatever comes next), each registering the
 * frames it handles and the moments it takes part in (a connection's welcome, an agent opening a
 * conversation, a conversation resolved, a connection closing). A new capability is an addition
 * to `capabilities.ts`, not an edit of the broker, its hello or its actions.
 */
import type { ClientFrame, ConversationDetailFrame, WelcomeFrame } from '@parley/protocol';
import type { Conversation } from '../storage/storage.js';
import type { BrokerContext } from './context.js';
import type { Session } from './session.js';

/** The frame of one `type`. */
export type FrameOf<T extends ClientFrame['type']> = Extract<ClientFrame, { type: T }>;

/** Who may send a frame type (the transport's guards check the shape; this checks the role). */
export type Senders = 'visitor' | 'agent' | 'both';

/** A frame handler with the roles that may send its frame. */
export interface FrameRoute<T extends ClientFrame['type']> {
  from: Senders;
  handle(session: Session, frame: FrameOf<T>): Promise<void>;
}

/** The frames a capability handles, by type. */
export type FrameRoutes = { [T in ClientFrame['type']]?: FrameRoute<T> };

/** What a capability adds to a connection's welcome (fields of the frame the core does not fill). */
export type WelcomeExtras = Partial<Pick<WelcomeFrame, 'cobrowse' | 'calls' | 'callbacks'>>;

/** What a capability adds to a conversation's detail. */
export type DetailExtras = Partial<Pick<ConversationDetailFrame, 'cobrowse' | 'call' | 'callbacks'>>;

/** One capability of the broker. Every hook is optional. */
export interface Capability {
  /** A short name, for logs and lookups (`Broker.capability`). */
  readonly name: string;
  readonly routes: FrameRoutes;
  /**
   * A connection said hello (its topics are joined): what its welcome carries from here.
   * `conversations` are those the welcome lists (a visitor's newest, an agent's open ones).
   */
  welcome?(session: Session, conversations: readonly Conversation[]): Promise<WelcomeExtras> | WelcomeExtras;
  /** An agent opens a conversation: what its detail carries from here. */
  detail?(conversation: Conversation): Promise<DetailExtras> | DetailExtras;
  /** An agent named `agentName` resolved the conversation (before the line saying so is written). */
  onResolve?(conversation: Conversation, agentName: string): Promise<void>;
  /** A connection that had said hello closed (its topics are already left). */
  onLeave?(session: Session): Promise<void>;
  /** The broker closes: stop timers. */
  close?(): void;
}

/** Makes a capability for a broker. */
export type CapabilityFactory = (ctx: BrokerContext) => Capability;

/**
 * The broker's context with a capability's own state beside it (`{ cobrowse: hub }`), so the
 * capability's actions read it as `ctx.cobrowse` while the broker knows nothing of it. Every
 * member of the broker's context is reached through the prototype, with `this` still working
 * for its methods (the broker keeps no `#private` fields for that reason).
 */
export function extendContext<E extends object>(ctx: BrokerContext, extras: E): BrokerContext & E {
  return Object.assign(Object.create(ctx) as BrokerContext, extras);
}

/** Routes frame types to the handler of the capability that took them; two claiming one type is a programming error. */
export class FrameRouter {
  private readonly routes = new Map<string, FrameRoute<ClientFrame['type']>>();

  constructor(capabilities: readonly Capability[]) {
    for (const capability of capabilities) {
      for (const [type, route] of Object.entries(capability.routes)) {
        if (this.routes.has(type)) throw new Error(`Two capabilities handle ${type}; the second is ${capability.name}.`);
        this.routes.set(type, route as FrameRoute<ClientFrame['type']>);
      }
    }
  }

  /** The handler of a frame from a session of this role, if any. */
  route(frame: ClientFrame, role: 'visitor' | 'agent'): FrameRoute<ClientFrame['type']> | undefined {
    const route = this.routes.get(frame.type);
    return route && (route.from === 'both' || route.from === role) ? route : undefined;
  }
}
