package dev.tether.protocol;

/**
 * Constants of the Tether v1 wire format. See {@code protocol/PROTOCOL.md} for the contract.
 *
 * <pre>
 * +-----------+-------+---------+------+-------+----------------+---------------+
 * | length u32| magic | version | type | flags | correlation u64| body ...      |
 * +-----------+-------+---------+------+-------+----------------+---------------+
 *   4 bytes     0x54     0x01                     big-endian
 *   length counts every byte after itself: the 12-byte header and the body.
 * </pre>
 */
public final class Protocol {
    /** The protocol version this library speaks. */
    public static final int VERSION = 1;
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
