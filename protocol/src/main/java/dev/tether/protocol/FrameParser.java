package dev.tether.protocol;

import static dev.tether.protocol.MessageEncoder.HELLO_HAS_AUTH_TOKEN;
import static dev.tether.protocol.MessageEncoder.HELLO_HAS_PUSHES_RECEIVED;
import static dev.tether.protocol.MessageEncoder.HELLO_HAS_RESUME_TOKEN;
import static dev.tether.protocol.MessageEncoder.PUSH_HAS_SEQUENCE;
import static dev.tether.protocol.MessageEncoder.PUSH_HAS_TIMESTAMP;
import static dev.tether.protocol.MessageEncoder.PUSH_HAS_TOPIC;
import static dev.tether.protocol.MessageEncoder.SEND_HAS_SEQUENCE;
import static dev.tether.protocol.MessageEncoder.WELCOME_HAS_RESUME_TOKEN;
import static dev.tether.protocol.MessageEncoder.WELCOME_RESUMED;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The frame parser: reads <em>one</em> frame that is already whole in memory, and checks a length prefix
 * before anything is set aside for the frame it announces. It knows nothing of streams.
 *
 * <p>Stream readers sit on top of it and do only the framing (find the prefix, check it, wait for the
 * whole frame, hand it here): {@link MessageDecoder} for byte chunks of any size, and the Netty binding's
 * {@code FrameDecoder} (in the client SDK) over Netty's own accumulation buffer. Each reader keeps the
 * partial frame in the memory its I/O model already has, and neither knows a field of the header or body.
 *
 * <h2>Versions</h2>
 * A connection speaks one protocol version once the handshake is done, and every frame's header carries it
 * ({@code PROTOCOL.md} §12). {@link #parse(ByteBuffer, int)} reads a frame of exactly that version: another
 * header version is {@code UNSUPPORTED_VERSION}, and a type, flag or field the version does not define is an
 * error as it would be for a peer of that version. Before the handshake, a server reads in version 1 (every
 * {@code HELLO} is written in version-1 framing) and a client reads with {@link #parseBeforeWelcome}.
 */
public final class FrameParser {
    private FrameParser() {
    }

    /**
     * Checks a frame's length prefix before anything is allocated for it.
     *
     * @param prefix the four prefix bytes read as a big-endian {@code int} (so values of 2^31 and above
     *     are negative)
     * @param maxFrameLength the largest length accepted
     * @throws ProtocolException {@code FRAME_TOO_SHORT}, {@code FRAME_TOO_LARGE}, or {@code NOT_TETHER_HTTP} /
     *     {@code NOT_TETHER_TLS} when the bytes are recognisably another protocol
     */
    public static void checkLength(int prefix, int maxFrameLength) throws ProtocolException {
        long length = Integer.toUnsignedLong(prefix);
        if (length >= Protocol.HEADER_SIZE && length <= maxFrameLength) {
            return;
        }
        String foreign = ForeignProtocols.recognise(prefix);
        if (foreign != null) {
            throw new ProtocolException(
                    foreign.startsWith("TLS") ? ProtocolException.Code.NOT_TETHER_TLS : ProtocolException.Code.NOT_TETHER_HTTP,
                    "this looks like " + foreign + ", not a Tether frame (first bytes " + ForeignProtocols.hex(prefix) + ")");
        }
        if (length < Protocol.HEADER_SIZE) {
            throw new ProtocolException(ProtocolException.Code.FRAME_TOO_SHORT,
                    "frame length " + length + " is shorter than the " + Protocol.HEADER_SIZE + "-byte header");
        }
        throw new ProtocolException(ProtocolException.Code.FRAME_TOO_LARGE,
                "frame length " + length + " exceeds the maximum of " + maxFrameLength + " bytes");
    }

    /**
     * Parses one version-1 frame without its length prefix; the same as {@link #parse(ByteBuffer, int)
     * parse(frame, Protocol.VERSION_1)}.
     *
     * @throws ProtocolException with the {@link ProtocolException.Code} of the first rule the frame breaks
     */
    public static Message parse(ByteBuffer frame) throws ProtocolException {
        return parse(frame, Protocol.VERSION_1);
    }

    /**
     * Parses one frame without its length prefix: {@code frame}'s remaining bytes are exactly the
     * header and body. Consumes them all (also when it throws). For stream readers that have already
     * framed the stream with {@link #checkLength}. Reads big-endian whatever {@code frame}'s byte order.
     *
     * @param version the version the connection speaks, in [1, {@link Protocol#VERSION}]: the frame's header
     *     must carry it, and the frame is read by that version's rules
     * @throws ProtocolException with the {@link ProtocolException.Code} of the first rule the frame breaks
     * @throws IllegalArgumentException if {@code version} is not one this library speaks
     */
    public static Message parse(ByteBuffer frame, int version) throws ProtocolException {
        checkVersion(version);
        ByteOrder order = frame.order();
        if (order != ByteOrder.BIG_ENDIAN) {
            frame.order(ByteOrder.BIG_ENDIAN);
        }
        try {
            return parse0(frame, version);
        } finally {
            frame.position(frame.limit());
            if (order != ByteOrder.BIG_ENDIAN) {
                frame.order(order);
            }
        }
    }

    /**
     * Parses one frame that a client receives before the handshake is done: a {@code WELCOME} written in any
     * version from 1 to {@code maxVersion} (the one in the client's hello) is read by the rules of the version
     * in its header; every other frame is read as version 1 (an {@code ERROR} or {@code GO_AWAY} that refuses
     * the hello is written in version 1, whatever the client's {@code maxVersion}). Consumes the frame as
     * {@link #parse(ByteBuffer, int)} does.
     *
     * @param maxVersion the highest version the client offered, in [1, {@link Protocol#VERSION}]
     * @throws ProtocolException with the {@link ProtocolException.Code} of the first rule the frame breaks
     * @throws IllegalArgumentException if {@code maxVersion} is not one this library speaks
     */
    public static Message parseBeforeWelcome(ByteBuffer frame, int maxVersion) throws ProtocolException {
        checkVersion(maxVersion);
        int p = frame.position();
        int version = Protocol.VERSION_1;
        if (frame.remaining() >= Protocol.HEADER_SIZE && (frame.get(p + 2) & 0xFF) == MessageType.WELCOME.code()) {
            int v = frame.get(p + 1) & 0xFF;
            if (v >= Protocol.VERSION_1 && v <= maxVersion) {
                version = v;
            }
        }
        return parse(frame, version);
    }

    static int checkVersion(int version) {
        if (version < Protocol.VERSION_1 || version > Protocol.VERSION) {
            throw new IllegalArgumentException("version must be in [1, " + Protocol.VERSION + "]: " + version);
        }
        return version;
    }

    private static Message parse0(ByteBuffer frame, int connectionVersion) throws ProtocolException {
        int length = frame.remaining();
        if (length < Protocol.HEADER_SIZE) {
            throw new ProtocolException(ProtocolException.Code.FRAME_TOO_SHORT,
                    "frame length " + length + " is shorter than the " + Protocol.HEADER_SIZE + "-byte header");
        }
        int magic = frame.get() & 0xFF;
        if (magic != Protocol.MAGIC) {
            throw new ProtocolException(ProtocolException.Code.BAD_MAGIC,
                    String.format("magic byte is 0x%02x, expected 0x%02x", magic, Protocol.MAGIC));
        }
        int version = frame.get() & 0xFF;
        if (version != connectionVersion) {
            throw new ProtocolException(ProtocolException.Code.UNSUPPORTED_VERSION,
                    "frame version " + version + " is not supported here (this connection speaks version "
                            + connectionVersion + ")");
        }
        int typeCode = frame.get() & 0xFF;
        MessageType type = MessageType.fromCode(typeCode);
        if (type == null || !type.isDefinedIn(version)) {
            throw new ProtocolException(ProtocolException.Code.UNKNOWN_TYPE,
                    String.format("message type 0x%02x is not defined in version %d", typeCode, version));
        }
        int flags = frame.get() & 0xFF;
        long correlationId = frame.getLong();
        switch (type) {
            case HELLO: {
                // A hello is read by peers that have not negotiated a version yet: flag bits, fields and a
                // correlation id that a later version adds are skipped, so a v2 client's hello reaches a v1 server.
                int maxVersion = u8(frame, type, "maxVersion");
                if (maxVersion < 1) {
                    throw invalid(type, "maxVersion must be >= 1: 0");
                }
                long heartbeat = u32(frame, type, "heartbeatIntervalMillis");
                String clientId = string(frame, type, "clientId");
                String token = (flags & HELLO_HAS_AUTH_TOKEN) != 0 ? string(frame, type, "authToken") : null;
                byte[] resume = (flags & HELLO_HAS_RESUME_TOKEN) != 0 ? bytes16(frame, type, "resumeToken") : null;
                // pushesReceived means something only with a resume token; without one the flag is ignored.
                long pushesReceived = resume != null && (flags & HELLO_HAS_PUSHES_RECEIVED) != 0
                        ? u63(frame, type, "pushesReceived") : Hello.NO_SEQUENCE;
                return new Hello(maxVersion, heartbeat, clientId, token, resume, pushesReceived);
            }
            case WELCOME: {
                checkHeader(type, flags, version >= Protocol.VERSION_2 ? WELCOME_HAS_RESUME_TOKEN | WELCOME_RESUMED
                        : WELCOME_HAS_RESUME_TOKEN, correlationId);
                int v = u8(frame, type, "version");
                if (v < 1) {
                    throw invalid(type, "version must be >= 1: 0");
                }
                if (version >= Protocol.VERSION_2 && v != version) {
                    // From version 2 on, a welcome is written in the version it announces.
                    throw invalid(type, "version " + v + " differs from the frame's header version " + version);
                }
                long heartbeat = u32(frame, type, "heartbeatIntervalMillis");
                long maxFrame = u32(frame, type, "maxFrameLength");
                if (maxFrame < Protocol.HEADER_SIZE) {
                    throw invalid(type, "maxFrameLength must be >= " + Protocol.HEADER_SIZE + ": " + maxFrame);
                }
                String sessionId = string(frame, type, "sessionId");
                byte[] resume = (flags & WELCOME_HAS_RESUME_TOKEN) != 0 ? bytes16(frame, type, "resumeToken") : null;
                if ((flags & WELCOME_RESUMED) == 0) {
                    end(frame, type);
                    return new Welcome(v, heartbeat, maxFrame, sessionId, resume);
                }
                if (resume == null) {
                    throw invalid(type, "is resumed (flag 0x02) but carries no resumeToken (flag 0x01)");
                }
                long sendsReceived = u63(frame, type, "sendsReceived");
                long pushesLost = u63(frame, type, "pushesLost");
                long pushesReplayed = u63(frame, type, "pushesReplayed");
                end(frame, type);
                return new Welcome(v, heartbeat, maxFrame, sessionId, resume, sendsReceived, pushesLost, pushesReplayed);
            }
            case PING: {
                checkHeader(type, flags, 0, correlationId);
                long ts = i64(frame, type, "timestamp");
                end(frame, type);
                return new Ping(ts);
            }
            case PONG: {
                checkHeader(type, flags, 0, correlationId);
                long ts = i64(frame, type, "timestamp");
                end(frame, type);
                return new Pong(ts);
            }
            case REQUEST:
                checkFlags(type, flags, 0);
                checkId(type, correlationId);
                return new Request(correlationId, rest(frame));
            case RESPONSE:
                checkFlags(type, flags, 0);
                checkId(type, correlationId);
                return new Response(correlationId, rest(frame));
            case ERROR: {
                checkFlags(type, flags, 0);
                int code = u16(frame, type, "code");
                String text = string(frame, type, "text");
                end(frame, type);
                return new ErrorMessage(correlationId, code, text);
            }
            case SEND: {
                checkHeader(type, flags, SEND_HAS_SEQUENCE, correlationId);
                long seq = (flags & SEND_HAS_SEQUENCE) != 0 ? u63(frame, type, "sequence") : Send.NO_SEQUENCE;
                return new Send(seq, rest(frame));
            }
            case PUSH: {
                checkHeader(type, flags, PUSH_HAS_TOPIC | PUSH_HAS_TIMESTAMP | PUSH_HAS_SEQUENCE, correlationId);
                String topic = (flags & PUSH_HAS_TOPIC) != 0 ? string(frame, type, "topic") : null;
                long ts = (flags & PUSH_HAS_TIMESTAMP) != 0 ? u63(frame, type, "timestampMicros") : Push.NO_TIMESTAMP;
                long seq = (flags & PUSH_HAS_SEQUENCE) != 0 ? u63(frame, type, "sequence") : Push.NO_SEQUENCE;
                return new Push(topic, ts, seq, rest(frame));
            }
            case GO_AWAY: {
                checkHeader(type, flags, 0, correlationId);
                long after = u32(frame, type, "reconnectAfterMillis");
                String reason = string(frame, type, "reason");
                end(frame, type);
                return new GoAway(after, reason);
            }
            case ACK: {
                checkHeader(type, flags, 0, correlationId);
                long sequence = u63(frame, type, "sequence");
                end(frame, type);
                return new Ack(sequence);
            }
            default:
                throw new AssertionError(type);
        }
    }

    // Bounds-checked field reads that name the field and the type when a frame breaks a rule. Static,
    // so that decoding allocates nothing but the message and its arrays.

    private static void checkHeader(MessageType type, int flags, int allowed, long correlationId) throws ProtocolException {
        checkFlags(type, flags, allowed);
        if (correlationId != 0) {
            throw invalid(type, "correlation id must be 0 on this type: " + Long.toUnsignedString(correlationId));
        }
    }

    private static void checkFlags(MessageType type, int flags, int allowed) throws ProtocolException {
        if ((flags & ~allowed) != 0) {
            throw new ProtocolException(ProtocolException.Code.UNKNOWN_FLAGS,
                    String.format("%s does not define flag bits 0x%02x", type, flags & ~allowed));
        }
    }

    private static void checkId(MessageType type, long correlationId) throws ProtocolException {
        if (correlationId == 0) {
            throw invalid(type, "correlation id must not be 0");
        }
    }

    private static ProtocolException invalid(MessageType type, String message) {
        return new ProtocolException(ProtocolException.Code.INVALID_FIELD, type + " " + message);
    }

    private static void need(ByteBuffer buf, int n, MessageType type, String field) throws ProtocolException {
        if (buf.remaining() < n) {
            throw new ProtocolException(ProtocolException.Code.TRUNCATED_FIELD,
                    type + " field " + field + " needs " + n + " bytes but only " + buf.remaining() + " remain in the frame");
        }
    }

    private static int u8(ByteBuffer buf, MessageType type, String field) throws ProtocolException {
        need(buf, 1, type, field);
        return buf.get() & 0xFF;
    }

    private static int u16(ByteBuffer buf, MessageType type, String field) throws ProtocolException {
        need(buf, 2, type, field);
        return buf.getShort() & 0xFFFF;
    }

    private static long u32(ByteBuffer buf, MessageType type, String field) throws ProtocolException {
        need(buf, 4, type, field);
        return Integer.toUnsignedLong(buf.getInt());
    }

    private static long i64(ByteBuffer buf, MessageType type, String field) throws ProtocolException {
        need(buf, 8, type, field);
        return buf.getLong();
    }

    private static long u63(ByteBuffer buf, MessageType type, String field) throws ProtocolException {
        long v = i64(buf, type, field);
        if (v < 0) {
            throw invalid(type, "field " + field + " must be below 2^63: " + Long.toUnsignedString(v));
        }
        return v;
    }

    private static byte[] bytes16(ByteBuffer buf, MessageType type, String field) throws ProtocolException {
        int n = u16(buf, type, field);
        need(buf, n, type, field);
        byte[] b = new byte[n];
        buf.get(b);
        return b;
    }

    private static String string(ByteBuffer buf, MessageType type, String field) throws ProtocolException {
        int n = u16(buf, type, field);
        need(buf, n, type, field);
        byte[] bytes;
        int offset;
        if (buf.hasArray()) {
            bytes = buf.array();
            offset = buf.arrayOffset() + buf.position();
            buf.position(buf.position() + n);
        } else {
            bytes = new byte[n];
            offset = 0;
            buf.get(bytes);
        }
        // Strict: a malformed string would otherwise turn into U+FFFD replacements that encode to other
        // (and up to three times as many) bytes than the peer sent.
        if (!Fields.isWellFormedUtf8(bytes, offset, n)) {
            throw invalid(type, "field " + field + " is not well-formed UTF-8");
        }
        return new String(bytes, offset, n, StandardCharsets.UTF_8);
    }

    private static byte[] rest(ByteBuffer buf) {
        byte[] b = new byte[buf.remaining()];
        buf.get(b);
        return b;
    }

    private static void end(ByteBuffer buf, MessageType type) throws ProtocolException {
        if (buf.hasRemaining()) {
            throw new ProtocolException(ProtocolException.Code.TRAILING_BYTES,
                    type + " has " + buf.remaining() + " unexpected bytes after its last field");
        }
    }
}
