/**
 * The co-browse lines of the conversation timeline. Each is stored as a system message, so both
 * sides see it and it stays in the record (who asked, who agreed, who stopped, and when).
 */

/** System message texts, by event. `agent` is the acting agent's display name. */
export const COBROWSE_TEXT = {
  asked: (agent: string): string => `${agent} asked to see the visitor's page`,
  expired: 'The co-browse request expired',
  declined: 'The visitor declined to share their page',
  started: 'The visitor started sharing their page',
  visitorLeft: 'Screen sharing ended: the visitor left',
  lost: 'Screen sharing ended: the connection was lost',
  visitorStopped: 'The visitor stopped sharing their page',
  agentStopped: (agent: string): string => `${agent} stopped co-browsing`,
  agentCancelled: (agent: string): string => `${agent} cancelled the co-browse request`,
  askedControl: (agent: string): string => `${agent} asked for remote control`,
  controlAllowed: 'The visitor allowed remote control',
  controlDeclined: 'The visitor declined remote control',
  controlTakenBack: 'The visitor took back control',
  agentStoppedControl: (agent: string): string => `${agent} stopped remote control`,
} as const;
