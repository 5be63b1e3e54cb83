package dev.tether.loadtool.run;

/** What each client does during a run ({@code --mode}). */
public enum Mode {
    /** Open model: requests at a fixed total rate spread over the clients, latency from intended send times. */
    RATE,
    /** Closed model: each client keeps {@code --outstanding} requests in flight; latency is service time. */
    CLOSED,
    /** One-way sends at a fixed total rate; latency until the send is written to the socket. */
    SEND,
    /** No requests: measures pushes from a server that pushes (server timestamp to receipt). */
    PUSH,
    /** No requests: connections held with heartbeats only, a soak of long-lived connections. */
    IDLE;

    /** The name on the command line and in reports. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether the generator follows a constant-rate schedule of intended send times. */
    boolean scheduled() {
        return this == RATE || this == SEND;
    }
}
