package dev.tether.protocol;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes messages as whole frames, length prefix included. Stateless and thread-safe.
 *
 * <pre>{@code
 * ByteBuffer out = ByteBuffer.allocate(MessageEncoder.encodedSize(msg, version));
 * MessageEncoder.encode(msg, version, out);
 * }</pre>
 *
 * <h2>Versions</h2>
 * Each method takes the protocol version the connection speaks, written into the frame's header; the forms
 * without one write version 1. Two types are framed by the protocol's own rule ({@code PROTOCOL.md} §12): a
 * {@link Hello} always in version 1, whatever version is asked for; and from version 2 on, a {@link Welcome}
 * must announce the version it is written in. A message that the version cannot carry (an {@link Ack} or a
 * resumed {@link Welcome} in version 1) is rejected with {@link IllegalArgumentException} before anything is
 * written, as is a version this library does not speak.
 */
public final class MessageEncoder {

    static final int HELLO_HAS_AUTH_TOKEN = 0x01;
    static final int HELLO_HAS_RESUME_TOKEN = 0x02;
    static final int HELLO_HAS_PUSHES_RECEIVED = 0x04;
    static final int WELCOME_HAS_RESUME_TOKEN = 0x01;
    static final int WELCOME_RESUMED = 0x02;
    static final int SEND_HAS_SEQUENCE = 0x01;
    static final int PUSH_HAS_TOPIC = 0x01;
    static final int PUSH_HAS_TIMESTAMP = 0x02;
    static final int PUSH_HAS_SEQUENCE = 0x04;

    private MessageEncoder() {
    }

    /** The exact number of bytes {@link #encode(Message, ByteBuffer)} writes for this message in version 1. */
    public static int encodedSize(Message message) {
        return encodedSize(message, Protocol.VERSION_1);
    }

    /**
     * The exact number of bytes {@link #encode(Message, int, ByteBuffer)} writes for this message in
     * {@code version}, length prefix included.
     *
     * @throws IllegalArgumentException if {@code version} cannot carry the message (see the class comment)
     */
    public static int encodedSize(Message message, int version) {
        checkEncodable(message, version);
        return Protocol.LENGTH_FIELD_SIZE + Protocol.HEADER_SIZE + bodySize(message);
    }

    /** Writes the frame for {@code message} in version 1; see {@link #encode(Message, int, ByteBuffer)}. */
    public static void encode(Message message, ByteBuffer dst) {
        encode(message, Protocol.VERSION_1, dst);
    }

    /**
     * Writes the whole frame for {@code message} in {@code version} at {@code dst}'s position and advances it.
     * Writes big-endian whatever {@code dst}'s byte order (which is left as it was).
     *
     * @param version the version the connection speaks, in [1, {@link Protocol#VERSION}]
     * @throws IllegalArgumentException if {@code version} cannot carry the message (see the class comment;
     *     nothing is written then)
     * @throws BufferOverflowException if {@code dst} has fewer than {@link #encodedSize(Message, int)} bytes
     *     remaining (nothing is written then)
     */
    public static void encode(Message message, int version, ByteBuffer dst) {
        checkEncodable(message, version);
        int body = bodySize(message);
        if (dst.remaining() < Protocol.LENGTH_FIELD_SIZE + Protocol.HEADER_SIZE + body) {
            throw new BufferOverflowException();
        }
        ByteOrder order = dst.order();
        if (order != ByteOrder.BIG_ENDIAN) {
            dst.order(ByteOrder.BIG_ENDIAN);
        }
        try {
            encode0(message, message.type() == MessageType.HELLO ? Protocol.VERSION_1 : version, body, dst);
        } finally {
            if (order != ByteOrder.BIG_ENDIAN) {
                dst.order(order);
            }
        }
    }

    /** Rejects what {@code version} cannot carry, so that the encoder never writes a frame its peer must refuse. */
    private static void checkEncodable(Message message, int version) {
        FrameParser.checkVersion(version);
        if (!message.type().isDefinedIn(version)) {
            throw new IllegalArgumentException(message.type() + " is not defined in protocol version " + version
                    + " (it needs version " + message.type().sinceVersion() + ")");
        }
        if (message instanceof Welcome w) {
            if (w.resumed() && version < Protocol.VERSION_2) {
                throw new IllegalArgumentException("a resumed WELCOME needs protocol version 2, not " + version);
            }
            if (version >= Protocol.VERSION_2 && w.version() != version) {
                throw new IllegalArgumentException("a WELCOME announcing version " + w.version()
                        + " is written in that version, not in " + version);
            }
        }
    }

    private static void encode0(Message message, int version, int body, ByteBuffer dst) {
        dst.putInt(Protocol.HEADER_SIZE + body);
        dst.put((byte) Protocol.MAGIC);
        dst.put((byte) version);
        dst.put((byte) message.type().code());
        dst.put((byte) flags(message));
        dst.putLong(message.correlationId());
        switch (message.type()) {
            case HELLO -> {
                Hello h = (Hello) message;
                dst.put((byte) h.maxVersion());
                dst.putInt((int) h.heartbeatIntervalMillis());
                putString(dst, h.clientId());
                if (h.authToken() != null) {
                    putString(dst, h.authToken());
                }
                if (h.resumeToken() != null) {
                    putBytes16(dst, h.resumeToken());
                }
                if (h.pushesReceived() != Hello.NO_SEQUENCE) {
                    dst.putLong(h.pushesReceived());
                }
            }
            case WELCOME -> {
                Welcome w = (Welcome) message;
                dst.put((byte) w.version());
                dst.putInt((int) w.heartbeatIntervalMillis());
                dst.putInt((int) w.maxFrameLength());
                putString(dst, w.sessionId());
                if (w.resumeToken() != null) {
                    putBytes16(dst, w.resumeToken());
                }
                if (w.resumed()) {
                    dst.putLong(w.sendsReceived());
                    dst.putLong(w.pushesLost());
                    dst.putLong(w.pushesReplayed());
                }
            }
            case PING -> dst.putLong(((Ping) message).timestamp());
            case PONG -> dst.putLong(((Pong) message).timestamp());
            case REQUEST -> dst.put(((Request) message).payload());
            case RESPONSE -> dst.put(((Response) message).payload());
            case ERROR -> {
                ErrorMessage e = (ErrorMessage) message;
                dst.putShort((short) e.code());
                putString(dst, e.text());
            }
            case SEND -> {
                Send s = (Send) message;
                if (s.sequence() != Send.NO_SEQUENCE) {
                    dst.putLong(s.sequence());
                }
                dst.put(s.payload());
            }
            case PUSH -> {
                Push p = (Push) message;
                if (p.topic() != null) {
                    putString(dst, p.topic());
                }
                if (p.timestampMicros() != Push.NO_TIMESTAMP) {
                    dst.putLong(p.timestampMicros());
                }
                if (p.sequence() != Push.NO_SEQUENCE) {
                    dst.putLong(p.sequence());
                }
                dst.put(p.payload());
            }
            case GO_AWAY -> {
                GoAway g = (GoAway) message;
                dst.putInt((int) g.reconnectAfterMillis());
                putString(dst, g.reason());
            }
            case ACK -> dst.putLong(((Ack) message).sequence());
        }
    }

    /** Encodes in version 1 into a new heap buffer of exactly the right size, flipped for reading. */
    public static ByteBuffer encode(Message message) {
        return encode(message, Protocol.VERSION_1);
    }

    /**
     * Encodes in {@code version} into a new heap buffer of exactly the right size, flipped for reading.
     *
     * @throws IllegalArgumentException if {@code version} cannot carry the message (see the class comment)
     */
    public static ByteBuffer encode(Message message, int version) {
        ByteBuffer buf = ByteBuffer.allocate(encodedSize(message, version));
        encode(message, version, buf);
        return buf.flip();
    }

    /** Encodes in version 1 into a new array of exactly the right size. */
    public static byte[] toBytes(Message message) {
        return toBytes(message, Protocol.VERSION_1);
    }

    /**
     * Encodes in {@code version} into a new array of exactly the right size.
     *
     * @throws IllegalArgumentException if {@code version} cannot carry the message (see the class comment)
     */
    public static byte[] toBytes(Message message, int version) {
        return encode(message, version).array();
    }

    static int flags(Message message) {
        if (message instanceof Hello h) {
            return (h.authToken() != null ? HELLO_HAS_AUTH_TOKEN : 0)
                    | (h.resumeToken() != null ? HELLO_HAS_RESUME_TOKEN : 0)
                    | (h.pushesReceived() != Hello.NO_SEQUENCE ? HELLO_HAS_PUSHES_RECEIVED : 0);
        } else if (message instanceof Welcome w) {
            return (w.resumeToken() != null ? WELCOME_HAS_RESUME_TOKEN : 0) | (w.resumed() ? WELCOME_RESUMED : 0);
        } else if (message instanceof Send s) {
            return s.sequence() != Send.NO_SEQUENCE ? SEND_HAS_SEQUENCE : 0;
        } else if (message instanceof Push p) {
            return (p.topic() != null ? PUSH_HAS_TOPIC : 0)
                    | (p.timestampMicros() != Push.NO_TIMESTAMP ? PUSH_HAS_TIMESTAMP : 0)
                    | (p.sequence() != Push.NO_SEQUENCE ? PUSH_HAS_SEQUENCE : 0);
        }
        return 0;
    }

    private static int bodySize(Message message) {
        switch (message.type()) {
            case HELLO: {
                Hello h = (Hello) message;
                return 1 + 4 + str(h.clientId())
                    + (h.authToken() != null ? str(h.authToken()) : 0)
                    + (h.resumeToken() != null ? 2 + h.resumeToken().length : 0)
                    + (h.pushesReceived() != Hello.NO_SEQUENCE ? 8 : 0);
            }
            case WELCOME: {
                Welcome w = (Welcome) message;
                return 1 + 4 + 4 + str(w.sessionId())
                        + (w.resumeToken() != null ? 2 + w.resumeToken().length : 0)
                        + (w.resumed() ? 3 * 8 : 0);
            }
            case PING:
            case PONG:
                return 8;
            case REQUEST:
                return ((Request) message).payload().length;
            case RESPONSE:
                return ((Response) message).payload().length;
            case ERROR:
                return 2 + str(((ErrorMessage) message).text());
            case SEND: {
                Send s = (Send) message;
                return (s.sequence() != Send.NO_SEQUENCE ? 8 : 0) + s.payload().length;
            }
            case PUSH: {
                Push p = (Push) message;
                return (p.topic() != null ? str(p.topic()) : 0)
                        + (p.timestampMicros() != Push.NO_TIMESTAMP ? 8 : 0)
                        + (p.sequence() != Push.NO_SEQUENCE ? 8 : 0)
                        + p.payload().length;
            }
            case GO_AWAY:
                return 4 + str(((GoAway) message).reason());
            case ACK:
                return 8;
            default:
                throw new AssertionError(message.type());
        }
    }

    private static int str(String s) {
        return 2 + Fields.utf8Length(s);
    }

    private static void putString(ByteBuffer dst, String s) {
        putBytes16(dst, Fields.utf8(s));
    }

    private static void putBytes16(ByteBuffer dst, byte[] bytes) {
        dst.putShort((short) bytes.length);
        dst.put(bytes);
    }
}
