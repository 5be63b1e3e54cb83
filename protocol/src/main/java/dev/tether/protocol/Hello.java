package dev.tether.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * The client's first frame: who it is, the highest protocol version it speaks, the heartbeat interval
 * it intends to keep, and optionally an auth token and a resume token.
 *
 * @param maxVersion the highest protocol version the client speaks (1 for a v1 client)
 * @param heartbeatIntervalMillis the interval at which the client intends to ping, in milliseconds
 *     (0 = no preference); the server's {@link Welcome} has the final say
 * @param clientId the client's self-chosen identity (may be empty)
 * @param authToken the credential, or {@code null} for none
 * @param resumeToken a token from an earlier {@link Welcome} to resume that session, or {@code null};
 *     v1 servers ignore it (reserved for exactly-once delivery across reconnects)
 */
public record Hello(int maxVersion, long heartbeatIntervalMillis, String clientId, String authToken, byte[] resumeToken)
        implements Message {

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if a field is out of its range (the message names it)
     * @throws NullPointerException if a required field is null
     */
    public Hello {
        Fields.u8("maxVersion", maxVersion);
        if (maxVersion < 1) {
            throw new IllegalArgumentException("maxVersion must be >= 1: " + maxVersion);
        }
        Fields.u32("heartbeatIntervalMillis", heartbeatIntervalMillis);
        Fields.string("clientId", clientId);
        Fields.optionalString("authToken", authToken);
        Fields.optionalBytes("resumeToken", resumeToken);
    }

    /** A v1 hello without a resume token. */
    public Hello(long heartbeatIntervalMillis, String clientId, String authToken) {
        this(Protocol.VERSION, heartbeatIntervalMillis, clientId, authToken, null);
    }

    @Override
    public MessageType type() {
        return MessageType.HELLO;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hello h && maxVersion == h.maxVersion && heartbeatIntervalMillis == h.heartbeatIntervalMillis
                && clientId.equals(h.clientId) && Objects.equals(authToken, h.authToken)
                && Arrays.equals(resumeToken, h.resumeToken);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxVersion, heartbeatIntervalMillis, clientId, authToken, Arrays.hashCode(resumeToken));
    }

    @Override
    public String toString() {
        return "Hello[maxVersion=" + maxVersion + ", heartbeatIntervalMillis=" + heartbeatIntervalMillis
                + ", clientId=" + clientId + ", authToken=" + (authToken == null ? "none" : "***")
                + ", resumeToken=" + (resumeToken == null ? "none" : Fields.preview(resumeToken)) + "]";
    }
}
