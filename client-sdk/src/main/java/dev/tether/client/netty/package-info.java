/**
 * The Netty binding of the Tether protocol: the frame codec that turns a Netty byte stream into
 * {@link dev.tether.protocol.Message}s and back, and counts what passes.
 *
 * <p>Both sides use this package: the client SDK installs it in every connection's pipeline, and the reference
 * server ({@code dev.tether.server}) installs it in every accepted channel. Anyone writing their own Tether server
 * on Netty may use it too:
 *
 * <pre>{@code
 * SingleWriterFrameCounters counters = new SingleWriterFrameCounters(); // one per channel (or per event loop)
 * ch.pipeline()
 *     .addLast(new FrameCodec(Protocol.DEFAULT_MAX_FRAME_LENGTH, counters)) // decodes and encodes
 *     .addLast(new MyTetherHandler()); // receives dev.tether.protocol.Message objects
 * }</pre>
 *
 * <p>{@link dev.tether.client.netty.FrameCodec} is one handler for both directions (one pipeline entry per
 * channel, which counts when a process holds many idle connections). The same work split in two,
 * {@link dev.tether.client.netty.FrameDecoder} and {@link dev.tether.client.netty.FrameEncoder}, is there for
 * pipelines that put something between decoding and encoding, or that share the stateless
 * {@link dev.tether.client.netty.FrameEncoder#INSTANCE}.
 *
 * <h2>Versions</h2>
 * Every frame carries the protocol version its connection speaks ({@code PROTOCOL.md} §12), so each codec handler
 * speaks one version, version 1 until told otherwise. A server reads the {@code HELLO} in version 1, writes its
 * {@code WELCOME} (always in the version the welcome announces) and sets the negotiated version:
 * <pre>{@code
 * ctx.writeAndFlush(new Welcome(v, heartbeatMillis, maxFrameLength, sessionId, token));
 * codec.version(v);                          // both directions from now on
 * }</pre>
 * A client calls {@link dev.tether.client.netty.FrameCodec#expectWelcome(int) expectWelcome(maxVersion)} before
 * it writes its {@code HELLO}: the codec then reads a {@code WELCOME} in any version up to {@code maxVersion} (and
 * a refusal, {@code ERROR} or {@code GO_AWAY}, in version 1), and switches to the welcome's version itself, before it
 * decodes the frames that arrived behind the welcome in the same read. A message that the channel's version
 * cannot carry (an {@code ACK} in version 1) fails its write with an {@link io.netty.handler.codec.EncoderException}.
 * Set versions on the channel's event loop. The shared {@link dev.tether.client.netty.FrameEncoder#INSTANCE} writes
 * version 1 only.
 *
 * <h2>Counting</h2>
 * The codec is the one place that sees every frame whole, so it is where frames and bytes are counted; no
 * handler behind it counts or re-measures messages. The codec (or the decoder and encoder) reports each
 * frame it decodes and each frame it encodes (and each pre-encoded frame written through it as a {@code ByteBuf})
 * to a {@link dev.tether.client.netty.FrameCounters}, with the
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
