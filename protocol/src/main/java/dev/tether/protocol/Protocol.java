package dev.tether.protocol;

/**
 * Constants of the Tether wire format (versions 1 and 2). See {@code protocol/PROTOCOL.md} for the contract.
 *
 * <pre>
 * +-----------+-------+---------+------+-------+----------------+---------------+
 * | length u32| magic | version | type | flags | correlation u64| body ...      |
 * +-----------+-------+---------+------+-------+----------------+---------------+
 *   4 bytes     0x54    0x01/0x02                 big-endian
 *   length counts every byte after itself: the 12-byte header and the body.
 * </pre>
 */
public final class Protocol {
    /**
     * The highest protocol version this library speaks: {@value}. A peer negotiates the version of each
     * connection in the handshake ({@code PROTOCOL.md} §12) and may settle on a lower one.
     */
    public static final int VERSION = 2;
    /** Version 1: the base protocol. Every {@code HELLO} is written in version-1 framing. */
    public static final int VERSION_1 = 1;
    /** Version 2: version 1 plus session resumption ({@link MessageType#ACK}, resumed {@link Welcome}). */
    public static final int VERSION_2 = 2;
    /** The first header byte of every frame: ASCII 'T'. */
    public static final int MAGIC = 0x54;
    /** Size of the big-endian unsigned length prefix. */
    public static final int LENGTH_FIELD_SIZE = 4;
    /** Size of the fixed header that follows the length prefix: magic, version, type, flags, correlation id. */
    public static final int HEADER_SIZE = 12;
    /** Default maximum value of the length prefix: 1 MiB. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 1 << 20;
    /** Default heartbeat interval, in milliseconds: 30 s. */
    public static final long DEFAULT_HEARTBEAT_INTERVAL_MILLIS = 30_000L;

    private Protocol() {
    }
}
