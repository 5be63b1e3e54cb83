package dev.tether.client;

/**
 * Whether a client's connection uses session resumption (PROTOCOL.md §13), as {@link ClientStats#resumption()}
 * shows it. With resumption on, sends are acknowledged by the server and retransmitted after a reconnect,
 * and pushes the client missed while it was between sockets are replayed.
 */
public enum Resumption {
    /** The last handshake resumed or started a resumable session: sends complete when acknowledged. */
    ON,
    /** Switched off by {@link ClientConfig.Builder#resumption(boolean)}: sends complete when written. */
    OFF,
    /**
     * The server did not offer it (a version 1 server, or one with resumption turned off): the client works
     * as without resumption, sends complete when written.
     */
    NOT_OFFERED,
    /** No handshake has completed yet, so it is not known whether the server offers it. */
    NOT_CONNECTED
}
