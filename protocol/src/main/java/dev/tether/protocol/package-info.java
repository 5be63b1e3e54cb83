/**
 * The Tether wire protocol, versions 1 and 2, in plain Java (nothing but {@code java.base}): the message
 * records, the encoder and the decoders. {@code protocol/PROTOCOL.md} is the contract; this package is its
 * reference implementation, and {@code vectors.json} holds the bytes both must agree on.
 *
 * <h2>Messages</h2>
 * One immutable record per frame type, all implementing the sealed {@link dev.tether.protocol.Message}:
 * {@link dev.tether.protocol.Hello}, {@link dev.tether.protocol.Welcome}, {@link dev.tether.protocol.Ping},
 * {@link dev.tether.protocol.Pong}, {@link dev.tether.protocol.Request}, {@link dev.tether.protocol.Response},
 * {@link dev.tether.protocol.ErrorMessage}, {@link dev.tether.protocol.Send}, {@link dev.tether.protocol.Push},
 * {@link dev.tether.protocol.GoAway} and, from version 2, {@link dev.tether.protocol.Ack}. Constructors check every
 * field's range, so a record that exists can be encoded; an optional number that is absent is -1.
 *
 * <h2>Reading and writing</h2>
 * {@link dev.tether.protocol.MessageEncoder} writes whole frames. {@link dev.tether.protocol.MessageDecoder}
 * reads a byte stream in chunks of any size; {@link dev.tether.protocol.FrameParser} reads one frame already
 * in memory (the Netty binding in the client SDK, {@code dev.tether.client.netty}, frames the stream itself and
 * uses it). Bad bytes give a {@link dev.tether.protocol.ProtocolException} with a stable code, never an
 * unchecked exception or an allocation of the length a peer announced.
 *
 * <h2>Versions</h2>
 * {@link dev.tether.protocol.Protocol#VERSION} is the highest version this library speaks. Every connection
 * speaks one version, negotiated in the handshake, and every frame carries it in its header; so the encoder
 * and the decoders take a version (the forms without one mean version 1):
 * <p>A server reads the hello in version 1, answers in the negotiated version, then reads that version:
 * <pre>{@code
 * MessageDecoder decoder = new MessageDecoder();                  // version 1
 * // ... decoder hands over the Hello h
 * int v = Math.min(h.maxVersion(), Protocol.VERSION);
 * channel.write(MessageEncoder.encode(new Welcome(v, 30_000, Protocol.DEFAULT_MAX_FRAME_LENGTH, id, token), v));
 * decoder.version(v);
 * }</pre>
 * A client offers its highest version; its decoder reads the welcome in whichever version the server chose, and
 * switches to it by itself:
 * <pre>{@code
 * MessageDecoder decoder = new MessageDecoder();
 * decoder.expectWelcome(Protocol.VERSION_2);
 * channel.write(MessageEncoder.encode(new Hello(Protocol.VERSION_2, 30_000, "me", null, null))); // always version 1
 * }</pre>
 * Version 2 adds session resumption ({@code PROTOCOL.md} §13): {@link dev.tether.protocol.Ack}, the sequences
 * of {@link dev.tether.protocol.Send} and {@link dev.tether.protocol.Push}, {@link dev.tether.protocol.Hello#pushesReceived()}
 * and the resumed {@link dev.tether.protocol.Welcome}. The encoder refuses to write what a version cannot carry,
 * so a version-1 peer never receives a version-2 frame.
 */
package dev.tether.protocol;
