package dev.tether.client.netty;

/**
 * Where the codec reports every frame it decodes or encodes, with its exact size. The codec is the one
 * place that sees every frame whole, so it counts them and nobody else has to (as Netty's
 * {@code TrafficCounter} sits in a handler rather than at the call sites that write).
 *
 * <p>Both methods are called on the channel's event loop, once per frame, on the hot path: keep them to a
 * couple of stores. {@link SingleWriterFrameCounters} is the implementation the SDK and the reference server
 * use; {@link #NONE} counts nothing.
 */
public interface FrameCounters {
    /** Counts nothing: for codecs whose traffic nobody reads. */
    FrameCounters NONE = new FrameCounters() {
        @Override
        public void frameIn(int bytes) {
        }

        @Override
        public void frameOut(int bytes) {
        }

        @Override
        public String toString() {
            return "FrameCounters.NONE";
        }
    };

    /**
     * One frame was decoded.
     *
     * @param bytes its size on the wire: the 4-byte length prefix plus the length it announced
     */
    void frameIn(int bytes);

    /**
     * One frame was encoded (or a pre-encoded frame passed through the encoder) on its way to the socket.
     *
     * @param bytes its size on the wire, length prefix included
     */
    void frameOut(int bytes);
}
