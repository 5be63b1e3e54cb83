package dev.tether.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * The server's answer to a {@link Hello}: the handshake is complete.
 *
 * @param version the protocol version both sides now speak: the lower of the two maxima
 * @param heartbeatIntervalMillis the heartbeat interval the client must keep, in milliseconds: it pings
 *     when it has written nothing for this long; 0 means the server asks for no heartbeats
 * @param maxFrameLength the largest length prefix the server accepts (bytes after the prefix), in
 *     [12, 2^32-1]; {@link Protocol#DEFAULT_MAX_FRAME_LENGTH} by default
 * @param sessionId the server's id for this session
 * @param resumeToken a token the client may present in a later hello, or {@code null}
 */
public record Welcome(int version, long heartbeatIntervalMillis, long maxFrameLength, String sessionId, byte[] resumeToken)
        implements Message {

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if a field is out of its range (the message names it)
     * @throws NullPointerException if a required field is null
     */
    public Welcome {
        Fields.u8("version", version);
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1: " + version);
        }
        Fields.u32("heartbeatIntervalMillis", heartbeatIntervalMillis);
        Fields.u32("maxFrameLength", maxFrameLength);
        if (maxFrameLength < Protocol.HEADER_SIZE) {
            throw new IllegalArgumentException("maxFrameLength must be >= " + Protocol.HEADER_SIZE + " (the header size): "
                    + maxFrameLength);
        }
        Fields.string("sessionId", sessionId);
        Fields.optionalBytes("resumeToken", resumeToken);
    }

    /** A v1 welcome without a resume token. */
    public Welcome(long heartbeatIntervalMillis, long maxFrameLength, String sessionId) {
        this(Protocol.VERSION, heartbeatIntervalMillis, maxFrameLength, sessionId, null);
    }

    @Override
    public MessageType type() {
        return MessageType.WELCOME;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Welcome w && version == w.version && heartbeatIntervalMillis == w.heartbeatIntervalMillis
                && maxFrameLength == w.maxFrameLength && sessionId.equals(w.sessionId)
                && Arrays.equals(resumeToken, w.resumeToken);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, heartbeatIntervalMillis, maxFrameLength, sessionId, Arrays.hashCode(resumeToken));
    }

    @Override
    public String toString() {
        return "Welcome[version=" + version + ", heartbeatIntervalMillis=" + heartbeatIntervalMillis
                + ", maxFrameLength=" + maxFrameLength + ", sessionId=" + sessionId
                + ", resumeToken=" + (resumeToken == null ? "none" : Fields.preview(resumeToken)) + "]";
    }
}
