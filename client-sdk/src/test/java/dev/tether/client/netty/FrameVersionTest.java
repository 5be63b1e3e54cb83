package dev.tether.client.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.protocol.Ack;
import dev.tether.protocol.ErrorMessage;
import dev.tether.protocol.GoAway;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Message;
import dev.tether.protocol.MessageEncoder;
import dev.tether.protocol.Ping;
import dev.tether.protocol.Protocol;
import dev.tether.protocol.ProtocolException;
import dev.tether.protocol.Push;
import dev.tether.protocol.Send;
import dev.tether.protocol.Welcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.EncoderException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The protocol version of a channel's frames, through the handlers that keep it: {@link FrameCodec} (both
 * directions), {@link FrameDecoder} and {@link FrameEncoder}. The oracle for every frame is
 * {@link MessageEncoder} in the version the channel should speak.
 */
class FrameVersionTest {
    private static final byte[] TOKEN = {10, 11, 12, 13};
    private static final Welcome WELCOME_V2 = new Welcome(2, 30_000, 1 << 20, "s-1", TOKEN);
    private static final Welcome WELCOME_V1 = new Welcome(30_000, 1 << 20, "s-1");

    /** A decoding handler of each kind, with a way to drive its version. */
    record Reader(String name, Supplier<Object> handler) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Reader> readers() {
        return Stream.of(new Reader("FrameCodec", FrameCodec::new), new Reader("FrameDecoder", FrameDecoder::new));
    }

    // ---- reading a fixed version ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("readers")
    void aNewReaderSpeaksVersionOneAndRefusesVersionTwoFrames(Reader r) {
        EmbeddedChannel ch = channel(r);
        assertThat(version(ch)).isEqualTo(1);

        assertThat(refusal(ch, frames(2, new Ack(1)))).isEqualTo(ProtocolException.Code.UNSUPPORTED_VERSION);
        ch.finishAndReleaseAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readers")
    void versionOneFrameCarryingTheAckTypeIsAnUnknownType(Reader r) {
        EmbeddedChannel ch = channel(r);
        byte[] ackInV1 = frames(2, new Ack(1));
        ackInV1[5] = 1; // the header's version byte

        assertThat(refusal(ch, ackInV1)).isEqualTo(ProtocolException.Code.UNKNOWN_TYPE);
        ch.finishAndReleaseAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readers")
    void setToVersionTwoItReadsVersionTwoAndRefusesVersionOne(Reader r) {
        EmbeddedChannel ch = channel(r);
        setVersion(ch, 2);
        List<Message> v2 = List.of(new Ack(7), new Send(Long.MAX_VALUE, new byte[] {1}), new Push(null, Push.NO_TIMESTAMP, 3,
                new byte[] {2}), new Ping(5));

        ch.writeInbound(Unpooled.wrappedBuffer(frames(2, v2.toArray(Message[]::new))));
        assertThat(drainInbound(ch)).containsExactlyElementsOf(v2);
        assertThat(refusal(ch, frames(1, new Ping(6)))).isEqualTo(ProtocolException.Code.UNSUPPORTED_VERSION);
        ch.finishAndReleaseAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readers")
    void versionsThisLibraryDoesNotSpeakAreRefusedWhenSet(Reader r) {
        EmbeddedChannel ch = channel(r);
        assertThatThrownBy(() -> setVersion(ch, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> setVersion(ch, Protocol.VERSION + 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(Protocol.VERSION + 1));
        assertThatThrownBy(() -> expectWelcome(ch, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThat(version(ch)).isEqualTo(1);
        ch.finishAndReleaseAll();
    }

    // ---- the client before the handshake ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("readers")
    void aVersionTwoWelcomeSwitchesBeforeTheFramesBehindItInTheSameReadAreDecoded(Reader r) {
        EmbeddedChannel ch = channel(r);
        expectWelcome(ch, 2);
        assertThat(expecting(ch)).isTrue();
        Push replayed = new Push(null, Push.NO_TIMESTAMP, 4, new byte[] {9});
        ByteArrayOutputStream oneRead = new ByteArrayOutputStream();
        oneRead.writeBytes(frames(2, WELCOME_V2, replayed, new Ack(2)));

        ch.writeInbound(Unpooled.wrappedBuffer(oneRead.toByteArray()));

        assertThat(drainInbound(ch)).containsExactly(WELCOME_V2, replayed, new Ack(2));
        assertThat(version(ch)).isEqualTo(2);
        assertThat(expecting(ch)).isFalse();
        ch.finishAndReleaseAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readers")
    void aVersionOneWelcomeKeepsVersionOne(Reader r) {
        EmbeddedChannel ch = channel(r);
        expectWelcome(ch, 2);

        ch.writeInbound(Unpooled.wrappedBuffer(frames(1, WELCOME_V1, new Ping(1))));

        assertThat(drainInbound(ch)).containsExactly(WELCOME_V1, new Ping(1));
        assertThat(version(ch)).isEqualTo(1);
        assertThat(expecting(ch)).isFalse();
        assertThat(refusal(ch, frames(2, new Ack(0)))).isEqualTo(ProtocolException.Code.UNSUPPORTED_VERSION);
        ch.finishAndReleaseAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readers")
    void refusalsBeforeTheWelcomeAreReadInVersionOne(Reader r) {
        EmbeddedChannel ch = channel(r);
        expectWelcome(ch, 2);
        GoAway busy = new GoAway(1500, "handshake rate limit");
        ErrorMessage error = new ErrorMessage(0, 12, "server busy");

        ch.writeInbound(Unpooled.wrappedBuffer(frames(1, busy, error)));

        assertThat(drainInbound(ch)).containsExactly(busy, error);
        assertThat(expecting(ch)).as("still waiting for the welcome").isTrue();
        ch.finishAndReleaseAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readers")
    void beforeTheWelcomeOnlyAWelcomeMayBeInVersionTwo(Reader r) {
        EmbeddedChannel push = channel(r);
        expectWelcome(push, 2);
        assertThat(refusal(push, frames(2, new Push(new byte[1])))).isEqualTo(ProtocolException.Code.UNSUPPORTED_VERSION);
        push.finishAndReleaseAll();

        EmbeddedChannel error = channel(r);
        expectWelcome(error, 2);
        assertThat(refusal(error, frames(2, new ErrorMessage(0, 2, "no")))).isEqualTo(ProtocolException.Code.UNSUPPORTED_VERSION);
        error.finishAndReleaseAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readers")
    void aVersionOneClientRefusesAVersionTwoWelcome(Reader r) {
        EmbeddedChannel ch = channel(r);
        expectWelcome(ch, 1);

        assertThat(refusal(ch, frames(2, WELCOME_V2))).isEqualTo(ProtocolException.Code.UNSUPPORTED_VERSION);
        ch.finishAndReleaseAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readers")
    void settingTheVersionEndsTheWaitForAWelcome(Reader r) {
        EmbeddedChannel ch = channel(r);
        expectWelcome(ch, 2);
        setVersion(ch, 2);

        assertThat(expecting(ch)).isFalse();
        assertThat(refusal(ch, frames(1, WELCOME_V1))).isEqualTo(ProtocolException.Code.UNSUPPORTED_VERSION);
        ch.finishAndReleaseAll();
    }

    // ---- writing ----

    @Test
    void theCodecWritesItsVersionAndTheWelcomeItDecodedSwitchesItsWritesToo() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameCodec());
        FrameCodec codec = ch.pipeline().get(FrameCodec.class);
        codec.expectWelcome(2);
        Hello hello = new Hello(2, 30_000, "c", null, null);
        assertThat(written(ch, hello)).isEqualTo(MessageEncoder.toBytes(hello, 1));

        ch.writeInbound(Unpooled.wrappedBuffer(frames(2, WELCOME_V2)));
        assertThat(drainInbound(ch)).containsExactly(WELCOME_V2);

        Send send = new Send(0, new byte[] {1});
        assertThat(written(ch, send)).isEqualTo(MessageEncoder.toBytes(send, 2));
        assertThat(written(ch, new Ack(3))).isEqualTo(MessageEncoder.toBytes(new Ack(3), 2));
        ch.finishAndReleaseAll();
    }

    @Test
    void aServerCodecWritesTheWelcomeInTheVersionItAnnouncesThenSwitches() {
        SingleWriterFrameCounters counters = new SingleWriterFrameCounters();
        EmbeddedChannel ch = new EmbeddedChannel(new FrameCodec(1 << 20, counters));
        FrameCodec codec = ch.pipeline().get(FrameCodec.class);
        Hello hello = new Hello(2, 30_000, "c", null, TOKEN, 5);
        ch.writeInbound(Unpooled.wrappedBuffer(MessageEncoder.toBytes(hello)));
        assertThat(drainInbound(ch)).containsExactly(hello);

        assertThat(written(ch, WELCOME_V2)).isEqualTo(MessageEncoder.toBytes(WELCOME_V2, 2));
        codec.version(2);
        Push push = new Push(null, Push.NO_TIMESTAMP, 0, new byte[] {1});
        assertThat(written(ch, push)).isEqualTo(MessageEncoder.toBytes(push, 2));
        ch.writeInbound(Unpooled.wrappedBuffer(frames(2, new Ack(1))));
        assertThat(drainInbound(ch)).containsExactly(new Ack(1));
        assertThat(counters.framesOut()).isEqualTo(2);
        assertThat(counters.framesIn()).isEqualTo(2);
        ch.finishAndReleaseAll();
    }

    @Test
    void writingWhatTheVersionCannotCarryFailsTheWriteAndLeaksNothing() {
        SingleWriterFrameCounters counters = new SingleWriterFrameCounters();
        EmbeddedChannel ch = new EmbeddedChannel(new FrameCodec(1 << 20, counters));

        ChannelFuture ack = ch.writeAndFlush(new Ack(1));
        ChannelFuture resumed = ch.writeAndFlush(new Welcome(2, 0, 1 << 20, "s", TOKEN, 1, 0, 0));
        ch.pipeline().get(FrameCodec.class).version(2);
        ChannelFuture resumedV1 = ch.writeAndFlush(new Welcome(1, 0, 1 << 20, "s", TOKEN));

        assertThat(ack.cause()).isInstanceOf(EncoderException.class).hasMessageContaining("ACK");
        assertThat(resumed.isSuccess()).as("a resumed welcome is written in the version it announces").isTrue();
        assertThat(resumedV1.isSuccess()).isTrue();
        assertThat(counters.framesOut()).isEqualTo(2);
        assertThat(ch.finishAndReleaseAll()).isTrue();
    }

    @Test
    void aSeparateEncoderWritesItsVersionAndTheSharedOneStaysAtVersionOne() {
        FrameEncoder encoder = new FrameEncoder(FrameCounters.NONE, 2);
        EmbeddedChannel ch = new EmbeddedChannel(encoder);
        assertThat(encoder.version()).isEqualTo(2);
        assertThat(written(ch, new Ack(9))).isEqualTo(MessageEncoder.toBytes(new Ack(9), 2));
        encoder.version(1);
        assertThat(written(ch, new Ping(1))).isEqualTo(MessageEncoder.toBytes(new Ping(1), 1));
        ch.finishAndReleaseAll();

        assertThat(FrameEncoder.INSTANCE.version()).isEqualTo(1);
        assertThatThrownBy(() -> FrameEncoder.INSTANCE.version(2)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("shared");
        assertThatThrownBy(() -> new FrameEncoder(FrameCounters.NONE, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- helpers ----

    private static EmbeddedChannel channel(Reader r) {
        return new EmbeddedChannel((io.netty.channel.ChannelHandler) r.handler().get());
    }

    private static int version(EmbeddedChannel ch) {
        FrameCodec codec = ch.pipeline().get(FrameCodec.class);
        return codec != null ? codec.version() : ch.pipeline().get(FrameDecoder.class).version();
    }

    private static void setVersion(EmbeddedChannel ch, int version) {
        FrameCodec codec = ch.pipeline().get(FrameCodec.class);
        if (codec != null) {
            codec.version(version);
        } else {
            ch.pipeline().get(FrameDecoder.class).version(version);
        }
    }

    private static void expectWelcome(EmbeddedChannel ch, int maxVersion) {
        FrameCodec codec = ch.pipeline().get(FrameCodec.class);
        if (codec != null) {
            codec.expectWelcome(maxVersion);
        } else {
            ch.pipeline().get(FrameDecoder.class).expectWelcome(maxVersion);
        }
    }

    private static boolean expecting(EmbeddedChannel ch) {
        FrameCodec codec = ch.pipeline().get(FrameCodec.class);
        return codec != null ? codec.isExpectingWelcome() : ch.pipeline().get(FrameDecoder.class).isExpectingWelcome();
    }

    /** The frames of {@code messages} in {@code version}, back to back. */
    private static byte[] frames(int version, Message... messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Message m : messages) {
            out.writeBytes(MessageEncoder.toBytes(m, version));
        }
        return out.toByteArray();
    }

    private static ProtocolException.Code refusal(EmbeddedChannel ch, byte[] bytes) {
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes));
        } catch (DecoderException e) {
            assertThat(e.getCause()).isInstanceOf(ProtocolException.class);
            assertThat(drainInbound(ch)).isEmpty();
            return ((ProtocolException) e.getCause()).code();
        }
        throw new AssertionError("the frames were accepted: " + drainInbound(ch));
    }

    private static byte[] written(EmbeddedChannel ch, Message m) {
        ch.writeOutbound(m);
        ByteBuf frame = ch.readOutbound();
        try {
            return ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
        }
    }

    private static List<Message> drainInbound(EmbeddedChannel ch) {
        List<Message> got = new ArrayList<>();
        for (Object m; (m = ch.readInbound()) != null; ) {
            got.add((Message) m);
        }
        return got;
    }
}
