package dev.tether.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * The client's first frame: who it is, the highest protocol version it speaks, the heartbeat interval
 * it intends to keep, and optionally an auth token and a resume token. Always written in version-1 framing,
 * whatever {@link #maxVersion()} says, so that every server can read it ({@code PROTOCOL.md} §12).
 *
 * @param maxVersion the highest protocol version the client speaks (1 for a v1 client)
 * @param heartbeatIntervalMillis the interval at which the client intends to ping, in milliseconds
 *     (0 = no preference); the server's {@link Welcome} has the final say
 * @param clientId the client's self-chosen identity (may be empty)
 * @param authToken the credential, or {@code null} for none
 * @param resumeToken a token from an earlier {@link Welcome} to resume that session, or {@code null}; servers
 *     that do not resume sessions ignore it
 * @param pushesReceived with a resume token: how many of the session's pushes the client has received in
 *     order, which is the sequence of the next push it expects, in [0, 2^63-1]; else {@link #NO_SEQUENCE}
 */
public record Hello(int maxVersion, long heartbeatIntervalMillis, String clientId, String authToken, byte[] resumeToken,
                    long pushesReceived)
        implements Message {
    /** The value of {@link #pushesReceived()} when the hello carries none. */
    public static final long NO_SEQUENCE = -1L;

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if a field is out of its range (the message names it), or
     *     {@code pushesReceived} is given without a {@code resumeToken}
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
        Fields.optionalNonNegative("pushesReceived", pushesReceived);
        if (pushesReceived != NO_SEQUENCE && resumeToken == null) {
            throw new IllegalArgumentException("pushesReceived is sent only with a resumeToken: " + pushesReceived);
        }
    }

    /** A hello without {@code pushesReceived}. */
    public Hello(int maxVersion, long heartbeatIntervalMillis, String clientId, String authToken, byte[] resumeToken) {
        this(maxVersion, heartbeatIntervalMillis, clientId, authToken, resumeToken, NO_SEQUENCE);
    }

    /** A hello of a version-1 client ({@code maxVersion} 1) without a resume token. */
    public Hello(long heartbeatIntervalMillis, String clientId, String authToken) {
        this(Protocol.VERSION_1, heartbeatIntervalMillis, clientId, authToken, null);
    }

    @Override
    public MessageType type() {
        return MessageType.HELLO;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hello h && maxVersion == h.maxVersion && heartbeatIntervalMillis == h.heartbeatIntervalMillis
                && clientId.equals(h.clientId) && Objects.equals(authToken, h.authToken)
                && Arrays.equals(resumeToken, h.resumeToken) && pushesReceived == h.pushesReceived;
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxVersion, heartbeatIntervalMillis, clientId, authToken, Arrays.hashCode(resumeToken),
                pushesReceived);
    }

    @Override
    public String toString() {
        return "Hello[maxVersion=" + maxVersion + ", heartbeatIntervalMillis=" + heartbeatIntervalMillis
                + ", clientId=" + clientId + ", authToken=" + (authToken == null ? "none" : "***")
                + ", resumeToken=" + (resumeToken == null ? "none" : Fields.preview(resumeToken))
                + ", pushesReceived=" + pushesReceived + "]";
    }
}
