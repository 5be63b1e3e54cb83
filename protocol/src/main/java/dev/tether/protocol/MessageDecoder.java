package dev.tether.protocol;

import static dev.tether.protocol.MessageEncoder.HELLO_HAS_AUTH_TOKEN;
import static dev.tether.protocol.MessageEncoder.HELLO_HAS_RESUME_TOKEN;
import static dev.tether.protocol.MessageEncoder.PUSH_HAS_SEQUENCE;
import static dev.tether.protocol.MessageEncoder.PUSH_HAS_TIMESTAMP;
import static dev.tether.protocol.MessageEncoder.PUSH_HAS_TOPIC;
import static dev.tether.protocol.MessageEncoder.SEND_HAS_SEQUENCE;
import static dev.tether.protocol.MessageEncoder.WELCOME_HAS_RESUME_TOKEN;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * An incremental decoder: feed it the bytes of a stream in chunks of any size, get whole messages
 * out. One frame split over many chunks, many frames in one chunk, and a split inside the length
 * prefix are all handled. Not thread-safe: use one decoder per connection.
 *
 * <p>A frame's declared length is checked against the maximum <em>before</em> any memory is set
 * aside for it. After a {@link ProtocolException} the stream is out of step; the decoder stays failed
 * and throws the same exception for every later chunk.
 *
 * <pre>{@code
 * MessageDecoder decoder = new MessageDecoder(Protocol.DEFAULT_MAX_FRAME_LENGTH);
 * while (channel.read(buf) > 0) {
 *     buf.flip();
 *     decoder.decode(buf, this::handle);
 *     buf.clear();
 * }
 * }</pre>
 */
public final class MessageDecoder {

    private final int maxFrameLength;
    /** Bytes of the length prefix seen so far (0..3) and their value. */
    private int prefixBytes;
    private int prefixValue;
    /** The body of a frame being assembled across chunks, or null between frames. */
    private ByteBuffer partial;
    private ProtocolException failure;

    /** A decoder that accepts frames up to {@link Protocol#DEFAULT_MAX_FRAME_LENGTH}. */
    public MessageDecoder() {
        this(Protocol.DEFAULT_MAX_FRAME_LENGTH);
    }

    /**
     * @param maxFrameLength the largest length prefix accepted, at least {@link Protocol#HEADER_SIZE}
     */
    public MessageDecoder(int maxFrameLength) {
        if (maxFrameLength < Protocol.HEADER_SIZE) {
            throw new IllegalArgumentException("maxFrameLength must be >= " + Protocol.HEADER_SIZE + ": " + maxFrameLength);
        }
        this.maxFrameLength = maxFrameLength;
    }

    /** The largest length prefix this decoder accepts. */
    public int maxFrameLength() {
        return maxFrameLength;
    }

    /** Whether some bytes of an unfinished frame are held, waiting for the rest. */
    public boolean hasPartialFrame() {
        return prefixBytes > 0 || partial != null;
    }

    /**
     * Consumes every remaining byte of {@code chunk} and hands each completed message to {@code out},
     * in stream order.
     */
    public void decode(ByteBuffer chunk, Consumer<? super Message> out) throws ProtocolException {
        if (failure != null) {
            throw failure;
        }
        try {
            decode0(chunk, out);
        } catch (ProtocolException e) {
            failure = e;
            partial = null;
            throw e;
        }
    }

    /** Like {@link #decode(ByteBuffer, Consumer)}, returning the messages as a list. */
    public List<Message> decode(ByteBuffer chunk) throws ProtocolException {
        List<Message> out = new ArrayList<>(2);
        decode(chunk, out::add);
        return out;
    }

    private void decode0(ByteBuffer chunk, Consumer<? super Message> out) throws ProtocolException {
        while (chunk.hasRemaining()) {
            if (partial != null) {
                int n = Math.min(partial.remaining(), chunk.remaining());
                ByteBuffer slice = chunk.slice();
                slice.limit(n);
                partial.put(slice);
                chunk.position(chunk.position() + n);
                if (!partial.hasRemaining()) {
                    ByteBuffer frame = partial.flip();
                    partial = null;
                    out.accept(decodeFrame(frame));
                }
                continue;
            }
            if (prefixBytes == 0 && chunk.remaining() >= Protocol.LENGTH_FIELD_SIZE) {
                // Fast path: the whole prefix is here; decode in place if the whole frame is too.
                int length = chunk.getInt(chunk.position());
                checkLength(length, maxFrameLength);
                chunk.position(chunk.position() + Protocol.LENGTH_FIELD_SIZE);
                if (chunk.remaining() >= length) {
                    int end = chunk.position() + length;
                    int limit = chunk.limit();
                    chunk.limit(end);
                    try {
                        out.accept(decodeFrame(chunk));
                    } finally {
                        chunk.limit(limit);
                        chunk.position(end);
                    }
                } else {
                    partial = ByteBuffer.allocate(length);
                }
                continue;
            }
            prefixValue = (prefixValue << 8) | (chunk.get() & 0xFF);
            if (++prefixBytes == Protocol.LENGTH_FIELD_SIZE) {
                int length = prefixValue;
                prefixBytes = 0;
                prefixValue = 0;
                checkLength(length, maxFrameLength);
                partial = ByteBuffer.allocate(length);
            }
        }
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
     * Decodes one frame without its length prefix: {@code frame}'s remaining bytes are exactly the
     * header and body. Consumes them all. For adapters (such as a Netty handler) that have already
     * framed the stream with {@link #checkLength}.
     */
    public static Message decodeFrame(ByteBuffer frame) throws ProtocolException {
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
        if (version != Protocol.VERSION) {
            throw new ProtocolException(ProtocolException.Code.UNSUPPORTED_VERSION,
                    "frame version " + version + " is not supported (this peer speaks version " + Protocol.VERSION + ")");
        }
        int typeCode = frame.get() & 0xFF;
        MessageType type = MessageType.fromCode(typeCode);
        if (type == null) {
            throw new ProtocolException(ProtocolException.Code.UNKNOWN_TYPE,
                    String.format("message type 0x%02x is not defined in version %d", typeCode, Protocol.VERSION));
        }
        int flags = frame.get() & 0xFF;
        long correlationId = frame.getLong();
        Reader r = new Reader(frame, type);
        switch (type) {
            case HELLO: {
                // A hello is read by peers that have not negotiated a version yet: flag bits and trailing
                // bytes a later version adds are skipped, so a v2 client's hello still reaches a v1 server.
                int maxVersion = r.u8("maxVersion");
                if (maxVersion < 1) {
                    throw new ProtocolException(ProtocolException.Code.INVALID_FIELD, "HELLO maxVersion must be >= 1: 0");
                }
                long heartbeat = r.u32("heartbeatIntervalMillis");
                String clientId = r.string("clientId");
                String token = (flags & HELLO_HAS_AUTH_TOKEN) != 0 ? r.string("authToken") : null;
                byte[] resume = (flags & HELLO_HAS_RESUME_TOKEN) != 0 ? r.bytes16("resumeToken") : null;
                frame.position(frame.limit());
                return new Hello(maxVersion, heartbeat, clientId, token, resume);
            }
            case WELCOME: {
                r.flags(flags, WELCOME_HAS_RESUME_TOKEN);
                int v = r.u8("version");
                long heartbeat = r.u32("heartbeatIntervalMillis");
                long maxFrame = r.u32("maxFrameLength");
                String sessionId = r.string("sessionId");
                byte[] resume = (flags & WELCOME_HAS_RESUME_TOKEN) != 0 ? r.bytes16("resumeToken") : null;
                r.end();
                return new Welcome(v, heartbeat, maxFrame, sessionId, resume);
            }
            case PING: {
                r.flags(flags, 0);
                long ts = r.i64("timestamp");
                r.end();
                return new Ping(ts);
            }
            case PONG: {
                r.flags(flags, 0);
                long ts = r.i64("timestamp");
                r.end();
                return new Pong(ts);
            }
            case REQUEST:
                r.flags(flags, 0);
                if (correlationId == 0) {
                    throw new ProtocolException(ProtocolException.Code.INVALID_FIELD, "REQUEST correlation id must not be 0");
                }
                return new Request(correlationId, r.rest());
            case RESPONSE:
                r.flags(flags, 0);
                return new Response(correlationId, r.rest());
            case ERROR: {
                r.flags(flags, 0);
                int code = r.u16("code");
                String text = r.string("text");
                r.end();
                return new ErrorMessage(correlationId, code, text);
            }
            case SEND: {
                r.flags(flags, SEND_HAS_SEQUENCE);
                long seq = (flags & SEND_HAS_SEQUENCE) != 0 ? r.nonNegative64("sequence") : Send.NO_SEQUENCE;
                return new Send(seq, r.rest());
            }
            case PUSH: {
                r.flags(flags, PUSH_HAS_TOPIC | PUSH_HAS_TIMESTAMP | PUSH_HAS_SEQUENCE);
                String topic = (flags & PUSH_HAS_TOPIC) != 0 ? r.string("topic") : null;
                long ts = (flags & PUSH_HAS_TIMESTAMP) != 0 ? r.nonNegative64("timestampMicros") : Push.NO_TIMESTAMP;
                long seq = (flags & PUSH_HAS_SEQUENCE) != 0 ? r.nonNegative64("sequence") : Push.NO_SEQUENCE;
                return new Push(topic, ts, seq, r.rest());
            }
            case GO_AWAY: {
                r.flags(flags, 0);
                long after = r.u32("reconnectAfterMillis");
                String reason = r.string("reason");
                r.end();
                return new GoAway(after, reason);
            }
            default:
                throw new AssertionError(type);
        }
    }

    /** Bounds-checked field reads that name the field and the type when a frame is short. */
    private static final class Reader {
        private final ByteBuffer buf;
        private final MessageType type;

        Reader(ByteBuffer buf, MessageType type) {
            this.buf = buf;
            this.type = type;
        }

        void flags(int flags, int allowed) throws ProtocolException {
            if ((flags & ~allowed) != 0) {
                throw new ProtocolException(ProtocolException.Code.UNKNOWN_FLAGS,
                        String.format("%s does not define flag bits 0x%02x", type, flags & ~allowed));
            }
        }

        private void need(int n, String field) throws ProtocolException {
            if (buf.remaining() < n) {
                throw new ProtocolException(ProtocolException.Code.TRUNCATED_FIELD,
                        type + " field " + field + " needs " + n + " bytes but only " + buf.remaining() + " remain in the frame");
            }
        }

        int u8(String field) throws ProtocolException {
            need(1, field);
            return buf.get() & 0xFF;
        }

        int u16(String field) throws ProtocolException {
            need(2, field);
            return buf.getShort() & 0xFFFF;
        }

        long u32(String field) throws ProtocolException {
            need(4, field);
            return Integer.toUnsignedLong(buf.getInt());
        }

        long i64(String field) throws ProtocolException {
            need(8, field);
            return buf.getLong();
        }

        long nonNegative64(String field) throws ProtocolException {
            long v = i64(field);
            if (v < 0) {
                throw new ProtocolException(ProtocolException.Code.INVALID_FIELD,
                        type + " field " + field + " must be below 2^63: " + Long.toUnsignedString(v));
            }
            return v;
        }

        byte[] bytes16(String field) throws ProtocolException {
            int n = u16(field + " length");
            need(n, field);
            byte[] b = new byte[n];
            buf.get(b);
            return b;
        }

        String string(String field) throws ProtocolException {
            int n = u16(field + " length");
            need(n, field);
            String s;
            if (buf.hasArray()) {
                s = new String(buf.array(), buf.arrayOffset() + buf.position(), n, StandardCharsets.UTF_8);
                buf.position(buf.position() + n);
            } else {
                byte[] b = new byte[n];
                buf.get(b);
                s = new String(b, StandardCharsets.UTF_8);
            }
            return s;
        }

        byte[] rest() {
            byte[] b = new byte[buf.remaining()];
            buf.get(b);
            return b;
        }

        void end() throws ProtocolException {
            if (buf.hasRemaining()) {
                throw new ProtocolException(ProtocolException.Code.TRAILING_BYTES,
                        type + " has " + buf.remaining() + " unexpected bytes after its last field");
            }
        }
    }
}
