/**
 * The Netty binding of the Tether protocol: the frame decoder and encoder that turn a Netty byte stream into
 * {@link dev.tether.protocol.Message}s and back, and count what passes.
 *
 * <p>Both sides use this package: the client SDK installs it in every connection's pipeline, and the reference
 * server ({@code dev.tether.server}) installs it in every accepted channel. Anyone writing their own Tether server
 * on Netty may use it too:
 *
 * <pre>{@code
 * SingleWriterFrameCounters counters = new SingleWriterFrameCounters(); // one per channel (or per event loop)
 * ch.pipeline()
 *     .addLast(new FrameDecoder(Protocol.DEFAULT_MAX_FRAME_LENGTH, counters))
 *     .addLast(new FrameEncoder(counters))
 *     .addLast(new MyTetherHandler()); // receives dev.tether.protocol.Message objects
 * }</pre>
 *
 * <h2>Counting</h2>
 * The codec is the one place that sees every frame whole, so it is where frames and bytes are counted; no
 * handler behind it counts or re-measures messages. {@link dev.tether.client.netty.FrameDecoder} reports each
 * frame it decodes and {@link dev.tether.client.netty.FrameEncoder} each frame it encodes (and each pre-encoded
 * frame written through it as a {@code ByteBuf}) to a {@link dev.tether.client.netty.FrameCounters}, with the
 * frame's exact size on the wire: the 4-byte length prefix plus the length it carries. TLS records and TCP
 * headers are not included. A frame is counted in when it is whole and decoded (a frame cut off by a close or
 * rejected as malformed is not counted), and out when it is encoded into the pipeline, which is before the
 * socket has taken it.
 *
 * <p>{@link dev.tether.client.netty.SingleWriterFrameCounters} keeps the totals for one writer thread (the
 * channel's event loop) and lets any thread read them safely; the SDK's per-client stats and the reference
 * server's per-session stats both build on it. Codecs built without counters use
 * {@link dev.tether.client.netty.FrameCounters#NONE}; only such an encoder ({@link
 * dev.tether.client.netty.FrameEncoder#INSTANCE}) may be shared between channels.
 *
 * <p>Unlike {@code dev.tether.client.internal}, the types here are a supported API. Application code that only
 * uses {@link dev.tether.client.TetherClient} never needs them.
 */
package dev.tether.client.netty;
