package dev.tether.protocol;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes messages as whole frames, length prefix included. Stateless and thread-safe.
 *
 * <pre>{@code
 * ByteBuffer out = ByteBuffer.allocate(MessageEncoder.encodedSize(msg));
 * MessageEncoder.encode(msg, out);
 * }</pre>
 */
public final class MessageEncoder {

    static final int HELLO_HAS_AUTH_TOKEN = 0x01;
    static final int HELLO_HAS_RESUME_TOKEN = 0x02;
    static final int WELCOME_HAS_RESUME_TOKEN = 0x01;
    static final int SEND_HAS_SEQUENCE = 0x01;
    static final int PUSH_HAS_TOPIC = 0x01;
    static final int PUSH_HAS_TIMESTAMP = 0x02;
    static final int PUSH_HAS_SEQUENCE = 0x04;

    private MessageEncoder() {
    }

    /** The exact number of bytes {@link #encode} writes for this message, length prefix included. */
    public static int encodedSize(Message message) {
        return Protocol.LENGTH_FIELD_SIZE + Protocol.HEADER_SIZE + bodySize(message);
    }

    /**
     * Writes the whole frame for {@code message} at {@code dst}'s position and advances it. Writes
     * big-endian whatever {@code dst}'s byte order (which is left as it was).
     *
     * @throws BufferOverflowException if {@code dst} has fewer than {@link #encodedSize} bytes remaining
     *     (nothing is written then)
     */
    public static void encode(Message message, ByteBuffer dst) {
        int body = bodySize(message);
        if (dst.remaining() < Protocol.LENGTH_FIELD_SIZE + Protocol.HEADER_SIZE + body) {
            throw new BufferOverflowException();
        }
        ByteOrder order = dst.order();
        if (order != ByteOrder.BIG_ENDIAN) {
            dst.order(ByteOrder.BIG_ENDIAN);
        }
        try {
            encode0(message, body, dst);
        } finally {
            if (order != ByteOrder.BIG_ENDIAN) {
                dst.order(order);
            }
        }
    }

    private static void encode0(Message message, int body, ByteBuffer dst) {
        dst.putInt(Protocol.HEADER_SIZE + body);
        dst.put((byte) Protocol.MAGIC);
        dst.put((byte) Protocol.VERSION);
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
        }
    }

    /** Encodes into a new heap buffer of exactly the right size, flipped for reading. */
    public static ByteBuffer encode(Message message) {
        ByteBuffer buf = ByteBuffer.allocate(encodedSize(message));
        encode(message, buf);
        return buf.flip();
    }

    /** Encodes into a new array of exactly the right size. */
    public static byte[] toBytes(Message message) {
        return encode(message).array();
    }

    static int flags(Message message) {
        if (message instanceof Hello h) {
            return (h.authToken() != null ? HELLO_HAS_AUTH_TOKEN : 0)
                    | (h.resumeToken() != null ? HELLO_HAS_RESUME_TOKEN : 0);
        } else if (message instanceof Welcome w) {
            return w.resumeToken() != null ? WELCOME_HAS_RESUME_TOKEN : 0;
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
                    + (h.resumeToken() != null ? 2 + h.resumeToken().length : 0);
            }
            case WELCOME: {
                Welcome w = (Welcome) message;
                return 1 + 4 + 4 + str(w.sessionId())
                        + (w.resumeToken() != null ? 2 + w.resumeToken().length : 0);
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
