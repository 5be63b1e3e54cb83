package dev.tether.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * The server's answer to a {@link Hello}: the handshake is complete. It is written in the version it
 * announces, and every later frame of the connection in both directions carries that version.
 *
 * <p>In version 2 a welcome may say that the session named by the hello's resume token was
 * {@linkplain #resumed() resumed}; then it carries three counts, and the session keeps its {@code sessionId}
 * and token ({@code PROTOCOL.md} §13). A welcome that was not resumed has {@link #NOT_RESUMED} in all three.
 *
 * @param version the protocol version both sides now speak: the lower of the two maxima
 * @param heartbeatIntervalMillis the heartbeat interval the client must keep, in milliseconds: it pings
 *     when it has written nothing for this long; 0 means the server asks for no heartbeats
 * @param maxFrameLength the largest length prefix the server accepts (bytes after the prefix), in
 *     [12, 2^32-1]; {@link Protocol#DEFAULT_MAX_FRAME_LENGTH} by default
 * @param sessionId the server's id for this session
 * @param resumeToken a token the client may present in a later hello, or {@code null}; in version 2 its
 *     presence turns resumption on for the connection
 * @param sendsReceived resumed: the next {@link Send} sequence the server expects (every send below it was
 *     delivered to the server's application), in [0, 2^63-1]; else {@link #NOT_RESUMED}
 * @param pushesLost resumed: how many pushes the client asked for that the server no longer has (dropped from
 *     its replay window); else {@link #NOT_RESUMED}
 * @param pushesReplayed resumed: how many pushes the server replays right after this welcome, before any new
 *     push; else {@link #NOT_RESUMED}
 */
public record Welcome(int version, long heartbeatIntervalMillis, long maxFrameLength, String sessionId, byte[] resumeToken,
                      long sendsReceived, long pushesLost, long pushesReplayed)
        implements Message {
    /** The value of {@link #sendsReceived()}, {@link #pushesLost()} and {@link #pushesReplayed()} when not resumed. */
    public static final long NOT_RESUMED = -1L;

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if a field is out of its range (the message names it), or the resumed
     *     counts are neither all {@link #NOT_RESUMED} nor all in range, or a resumed welcome has a version below 2
     *     or no resume token
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
        boolean resumed = sendsReceived != NOT_RESUMED || pushesLost != NOT_RESUMED || pushesReplayed != NOT_RESUMED;
        if (resumed) {
            Fields.u63("sendsReceived", sendsReceived);
            Fields.u63("pushesLost", pushesLost);
            Fields.u63("pushesReplayed", pushesReplayed);
            if (version < Protocol.VERSION_2) {
                throw new IllegalArgumentException("a resumed welcome needs version >= 2: " + version);
            }
            if (resumeToken == null) {
                throw new IllegalArgumentException("a resumed welcome carries the session's resumeToken");
            }
        }
    }

    /** A welcome that did not resume a session. */
    public Welcome(int version, long heartbeatIntervalMillis, long maxFrameLength, String sessionId, byte[] resumeToken) {
        this(version, heartbeatIntervalMillis, maxFrameLength, sessionId, resumeToken, NOT_RESUMED, NOT_RESUMED, NOT_RESUMED);
    }

    /** A version-1 welcome without a resume token. */
    public Welcome(long heartbeatIntervalMillis, long maxFrameLength, String sessionId) {
        this(Protocol.VERSION_1, heartbeatIntervalMillis, maxFrameLength, sessionId, null);
    }

    /** Whether the session named by the hello's resume token was resumed (then the three counts are set). */
    public boolean resumed() {
        return sendsReceived != NOT_RESUMED;
    }

    @Override
    public MessageType type() {
        return MessageType.WELCOME;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Welcome w && version == w.version && heartbeatIntervalMillis == w.heartbeatIntervalMillis
                && maxFrameLength == w.maxFrameLength && sessionId.equals(w.sessionId)
                && Arrays.equals(resumeToken, w.resumeToken) && sendsReceived == w.sendsReceived
                && pushesLost == w.pushesLost && pushesReplayed == w.pushesReplayed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, heartbeatIntervalMillis, maxFrameLength, sessionId, Arrays.hashCode(resumeToken),
                sendsReceived, pushesLost, pushesReplayed);
    }

    @Override
    public String toString() {
        return "Welcome[version=" + version + ", heartbeatIntervalMillis=" + heartbeatIntervalMillis
                + ", maxFrameLength=" + maxFrameLength + ", sessionId=" + sessionId
                + ", resumeToken=" + (resumeToken == null ? "none" : Fields.preview(resumeToken))
                + (resumed() ? ", resumed: sendsReceived=" + sendsReceived + ", pushesLost=" + pushesLost
                        + ", pushesReplayed=" + pushesReplayed : ", not resumed") + "]";
    }
}
