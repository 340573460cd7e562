/**
 * What a bus reports to the relay's metrics. The in-process bus has nothing to report; a bus
 * between nodes (Redis) implements `attachMeter`, which the relay calls once at start with the
 * node's `BusMeter`, and calls the meter from its receive and reconnect paths.
 */

/** The bus's side of the metrics: `parley_bus_lag_seconds` and `parley_bus_reconnects_total`. */
export interface BusMeter {
  /** An envelope from another node arrived `seconds` after it was published there. */
  lag(seconds: number): void;
  /** The bus lost its connection and got it back. */
  reconnected(): void;
}

/** A bus that reports to the metrics: the relay hands it the node's meter once, at start. */
export interface AcceptsBusMeter {
  attachMeter(meter: BusMeter): void;
}

/** A meter that records nothing (a bus made without metrics). */
export const NO_BUS_METER: BusMeter = Object.freeze({ lag: () => undefined, reconnected: () => undefined });
