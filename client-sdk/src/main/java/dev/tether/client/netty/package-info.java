/**
 * The Netty binding of the Tether protocol: the frame decoder and encoder that turn a Netty byte stream into
 * {@link dev.tether.protocol.Message}s and back.
 *
 * <p>Both sides use this package: the client SDK installs it in every connection's pipeline, and the reference
 * server ({@code dev.tether.server}) installs it in every accepted channel. Anyone writing their own Tether server
 * on Netty may use it too:
 *
 * <pre>{@code
 * ch.pipeline()
 *     .addLast(new FrameDecoder(Protocol.DEFAULT_MAX_FRAME_LENGTH))
 *     .addLast(FrameEncoder.INSTANCE)
 *     .addLast(new MyTetherHandler()); // receives dev.tether.protocol.Message objects
 * }</pre>
 *
 * <p>Unlike {@code dev.tether.client.internal}, the types here are a supported API. Application code that only
 * uses {@link dev.tether.client.TetherClient} never needs them.
 */
package dev.tether.client.netty;
