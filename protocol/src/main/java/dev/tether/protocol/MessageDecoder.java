package dev.tether.protocol;


import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The stream reader for byte chunks: feed it the bytes of a stream in chunks of any size, get whole
 * messages out. It only frames the stream; each whole frame is read by {@link FrameParser}, as it is by
 * the Netty binding's {@code FrameDecoder}, the reader for Netty pipelines. One frame split over many chunks, many frames in one chunk, and a split inside the length
 * prefix are all handled. Not thread-safe: use one decoder per connection.
 *
 * <p>A frame's declared length is checked against the maximum <em>before</em> any memory is set
 * aside for it, and a frame split across chunks is reassembled in a buffer that grows with the bytes
 * that actually arrive, so a peer announcing a large frame and then stalling costs little. After a {@link ProtocolException} the stream is out of step; the decoder stays failed
 * and throws the same exception for every later chunk.
 *
 * <p>A decoder reads frames of one protocol version, version 1 unless told otherwise: a server's decoder reads
 * the hello in version 1 and is set to the negotiated version with {@link #version(int)} once it has written its
 * welcome. A client's decoder is told {@link #expectWelcome(int)} before it sends its hello; it then reads a
 * {@code WELCOME} written in any version up to the client's maximum (and everything else in version 1), and
 * fixes itself to the welcome's version the moment it decodes it, so that frames right behind the welcome in
 * the same chunk are read in the negotiated version.
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
    /** The version frames are read in; before the welcome (see {@link #welcomeMaxVersion}), version 1. */
    private int version;
    /** While a client waits for its welcome: the highest version it offered; 0 otherwise. */
    private int welcomeMaxVersion;
    /** Bytes of the length prefix seen so far (0..3) and their value. */
    private int prefixBytes;
    private int prefixValue;
    /**
     * The frame being reassembled across chunks (header and body), or null between frames. It grows
     * with the bytes that actually arrive, up to {@link #partialLength}: a peer that announces a large
     * frame and sends nothing more pins only {@link #INITIAL_REASSEMBLY_CAPACITY} bytes.
     */
    private ByteBuffer partial;
    private int partialLength;
    static final int INITIAL_REASSEMBLY_CAPACITY = 4096;
    private ProtocolException failure;

    /** A version-1 decoder that accepts frames up to {@link Protocol#DEFAULT_MAX_FRAME_LENGTH}. */
    public MessageDecoder() {
        this(Protocol.DEFAULT_MAX_FRAME_LENGTH);
    }

    /**
     * A version-1 decoder.
     *
     * @param maxFrameLength the largest length prefix accepted, at least {@link Protocol#HEADER_SIZE}
     */
    public MessageDecoder(int maxFrameLength) {
        this(maxFrameLength, Protocol.VERSION_1);
    }

    /**
     * @param maxFrameLength the largest length prefix accepted, at least {@link Protocol#HEADER_SIZE}
     * @param version the protocol version of the frames, in [1, {@link Protocol#VERSION}]
     */
    public MessageDecoder(int maxFrameLength, int version) {
        if (maxFrameLength < Protocol.HEADER_SIZE) {
            throw new IllegalArgumentException("maxFrameLength must be >= " + Protocol.HEADER_SIZE + ": " + maxFrameLength);
        }
        this.maxFrameLength = maxFrameLength;
        this.version = FrameParser.checkVersion(version);
    }

    /**
     * The protocol version of the frames this decoder reads: the one set, or the one of the welcome it
     * decoded; version 1 while it {@linkplain #isExpectingWelcome() expects a welcome}.
     */
    public int version() {
        return version;
    }

    /**
     * Reads every later frame in {@code version} (and stops {@linkplain #expectWelcome expecting a welcome}).
     * Applies to every frame not decoded yet, including one that has partly arrived (a peer sends nothing
     * between its handshake frame and the answer, so none is in flight when the version changes).
     *
     * @param version the negotiated version, in [1, {@link Protocol#VERSION}]
     * @throws IllegalArgumentException if this library does not speak {@code version}
     */
    public void version(int version) {
        this.version = FrameParser.checkVersion(version);
        this.welcomeMaxVersion = 0;
    }

    /**
     * The client side of the handshake: until a {@code WELCOME} arrives, accept it in any version from 1 to
     * {@code maxVersion} and read every other frame in version 1 ({@link FrameParser#parseBeforeWelcome}); the
     * welcome then fixes this decoder to the version it was written in.
     *
     * @param maxVersion the {@code maxVersion} of the client's hello, in [1, {@link Protocol#VERSION}]
     * @throws IllegalArgumentException if this library does not speak {@code maxVersion}
     */
    public void expectWelcome(int maxVersion) {
        this.welcomeMaxVersion = FrameParser.checkVersion(maxVersion);
        this.version = Protocol.VERSION_1;
    }

    /** Whether this decoder waits for a welcome (see {@link #expectWelcome(int)}). */
    public boolean isExpectingWelcome() {
        return welcomeMaxVersion != 0;
    }

    /** The largest length prefix this decoder accepts. */
    public int maxFrameLength() {
        return maxFrameLength;
    }

    /**
     * Whether some bytes of an unfinished frame are held, waiting for the rest. Memory held for an
     * unfinished frame is proportional to the bytes received so far (at least 4 KiB), not to its
     * declared length.
     */
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
            while (chunk.hasRemaining()) {
                // Fast path, kept small so that the JIT inlines it: a whole frame decoded where it lies.
                Message message = partial == null && prefixBytes == 0 && chunk.remaining() >= Protocol.LENGTH_FIELD_SIZE
                        ? decodeInPlace(chunk)
                        : reassemble(chunk);
                if (message != null) {
                    out.accept(message);
                }
            }
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

    /** Decodes the frame at {@code chunk}'s position if it is all there; else starts reassembling it. */
    private Message decodeInPlace(ByteBuffer chunk) throws ProtocolException {
        int pos = chunk.position();
        int length = chunk.getInt(pos);
        if (chunk.order() != ByteOrder.BIG_ENDIAN) {
            length = Integer.reverseBytes(length);
        }
        if (length < Protocol.HEADER_SIZE || length > maxFrameLength) {
            FrameParser.checkLength(length, maxFrameLength); // throws the specific error
        }
        int start = pos + Protocol.LENGTH_FIELD_SIZE;
        int limit = chunk.limit();
        if (limit - start < length) {
            chunk.position(start);
            startReassembly(length);
            return null;
        }
        chunk.limit(start + length).position(start);
        try {
            return parse(chunk); // leaves the position at the frame's end
        } finally {
            chunk.limit(limit);
        }
    }

    /** Consumes bytes of a frame split across chunks: the length prefix byte by byte, then the frame. */
    private Message reassemble(ByteBuffer chunk) throws ProtocolException {
        if (partial == null) {
            prefixValue = (prefixValue << 8) | (chunk.get() & 0xFF);
            if (++prefixBytes == Protocol.LENGTH_FIELD_SIZE) {
                int length = prefixValue;
                prefixBytes = 0;
                prefixValue = 0;
                FrameParser.checkLength(length, maxFrameLength);
                startReassembly(length);
            }
            return null;
        }
        int have = partial.position();
        int n = Math.min(partialLength - have, chunk.remaining());
        if (have + n > partial.capacity()) {
            // Grow geometrically (amortised copying), never beyond the declared length.
            int capacity = (int) Math.min(partialLength, Math.max(2L * partial.capacity(), have + n));
            partial = ByteBuffer.allocate(capacity).put(partial.flip());
        }
        partial.put(have, chunk, chunk.position(), n);
        partial.position(have + n);
        chunk.position(chunk.position() + n);
        if (have + n < partialLength) {
            return null;
        }
        ByteBuffer frame = partial.flip();
        partial = null;
        return parse(frame);
    }

    /** Parses one whole frame (header and body) in the current version, or by the rule before the welcome. */
    private Message parse(ByteBuffer frame) throws ProtocolException {
        if (welcomeMaxVersion == 0) {
            return FrameParser.parse(frame, version);
        }
        int headerVersion = frame.remaining() >= 2 ? frame.get(frame.position() + 1) & 0xFF : 0;
        Message m = FrameParser.parseBeforeWelcome(frame, welcomeMaxVersion);
        if (m instanceof Welcome) {
            version = headerVersion; // parsed, so the header version is one the welcome may be written in
            welcomeMaxVersion = 0;
        }
        return m;
    }

    private void startReassembly(int length) {
        partialLength = length;
        partial = ByteBuffer.allocate(Math.min(length, INITIAL_REASSEMBLY_CAPACITY));
    }
}
