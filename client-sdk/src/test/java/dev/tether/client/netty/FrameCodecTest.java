package dev.tether.client.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.protocol.ErrorMessage;
import dev.tether.protocol.GoAway;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Message;
import dev.tether.protocol.MessageEncoder;
import dev.tether.protocol.Ping;
import dev.tether.protocol.ProtocolException;
import dev.tether.protocol.Push;
import dev.tether.protocol.Request;
import dev.tether.protocol.Response;
import dev.tether.protocol.Welcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The one-handler codec against the pair it replaces as the oracle: the same bytes in (cut into the same random
 * chunks) give the same messages and counts as {@link FrameDecoder}, and the same messages out give the same
 * bytes and counts as {@link FrameEncoder}.
 */
class FrameCodecTest {
    private static final List<Message> MESSAGES = List.of(
            new Hello(1, 30_000, "client", "token", null), new Welcome(1, 30_000, 1 << 20, "s-1", null), new Ping(42),
            new Request(1, new byte[0]), new Request(2, new byte[5000]), new Response(3, new byte[17]),
            new Push("topic", 123, Push.NO_SEQUENCE, new byte[300]), new ErrorMessage(4, 1, "nope"), new GoAway(1000, "bye"));

    @Test
    void decodesAndCountsWhatTheDecoderDoesUnderRandomChunking() {
        Random random = new Random(11);
        for (int round = 0; round < 30; round++) {
            byte[] bytes = randomStream(random, 20);
            SingleWriterFrameCounters codecCounts = new SingleWriterFrameCounters();
            SingleWriterFrameCounters pairCounts = new SingleWriterFrameCounters();
            EmbeddedChannel codec = new EmbeddedChannel(new FrameCodec(1 << 20, codecCounts));
            EmbeddedChannel pair = new EmbeddedChannel(new FrameDecoder(1 << 20, pairCounts), new FrameEncoder(pairCounts));
            int from = 0;
            while (from < bytes.length) {
                int to = Math.min(bytes.length, from + 1 + random.nextInt(700));
                codec.writeInbound(Unpooled.copiedBuffer(bytes, from, to - from));
                pair.writeInbound(Unpooled.copiedBuffer(bytes, from, to - from));
                from = to;
            }
            assertThat(drainInbound(codec)).containsExactlyElementsOf(drainInbound(pair)).hasSize(20);
            assertThat(codecCounts.framesIn()).isEqualTo(20);
            assertThat(codecCounts.bytesIn()).isEqualTo(pairCounts.bytesIn()).isEqualTo(bytes.length);
            assertThat(codecCounts.framesOut()).isZero();
            assertThat(codec.finishAndReleaseAll()).isFalse();
            pair.finishAndReleaseAll();
        }
    }

    @Test
    void encodesAndCountsWhatTheEncoderDoes() {
        SingleWriterFrameCounters codecCounts = new SingleWriterFrameCounters();
        SingleWriterFrameCounters pairCounts = new SingleWriterFrameCounters();
        EmbeddedChannel codec = new EmbeddedChannel(new FrameCodec(1 << 20, codecCounts));
        EmbeddedChannel pair = new EmbeddedChannel(new FrameDecoder(1 << 20, pairCounts), new FrameEncoder(pairCounts));
        long expectedBytes = 0;
        for (Message m : MESSAGES) {
            codec.writeOutbound(m);
            pair.writeOutbound(m);
            ByteBuf mine = codec.readOutbound();
            ByteBuf theirs = pair.readOutbound();
            assertThat(ByteBufUtil.getBytes(mine)).isEqualTo(ByteBufUtil.getBytes(theirs))
                    .isEqualTo(MessageEncoder.encode(m).array());
            mine.release();
            theirs.release();
            expectedBytes += MessageEncoder.encodedSize(m);
        }
        assertThat(codecCounts.framesOut()).isEqualTo(pairCounts.framesOut()).isEqualTo(MESSAGES.size());
        assertThat(codecCounts.bytesOut()).isEqualTo(pairCounts.bytesOut()).isEqualTo(expectedBytes);
        assertThat(codecCounts.framesIn()).isZero();
        assertThat(codec.finishAndReleaseAll()).isFalse();
        pair.finishAndReleaseAll();
    }

    @Test
    void framesCodedInTheScratchBufferAndThroughTheFramesOwnViewAreTheProtocolsBytes() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameCodec(1 << 20, new SingleWriterFrameCounters()));
        Random random = new Random(13);
        int overhead = MessageEncoder.encodedSize(new Request(1, new byte[0]));
        // around the scratch size (encoded there and copied, or through an NIO view of the frame), and far from it
        for (int frame : new int[] {overhead, 100, Frames.SCRATCH_SIZE - 1, Frames.SCRATCH_SIZE, Frames.SCRATCH_SIZE + 1, 70_000}) {
            byte[] payload = new byte[frame - overhead];
            random.nextBytes(payload);
            for (Message m : List.of(new Request(7, payload), new Response(8, payload))) {
                ch.writeOutbound(m);
                ByteBuf written = ch.readOutbound();
                assertThat(written.readableBytes()).isEqualTo(frame);
                assertThat(ByteBufUtil.getBytes(written)).isEqualTo(MessageEncoder.toBytes(m));
                ch.writeInbound(written); // and back
                assertThat((Object) ch.readInbound()).isEqualTo(m);
            }
        }
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void preEncodedFramesPassUnchangedAndCountedEmptyMarkersAndOtherObjectsUncounted() {
        SingleWriterFrameCounters counters = new SingleWriterFrameCounters();
        EmbeddedChannel ch = new EmbeddedChannel(new FrameCodec(1 << 20, counters));
        ByteBuf preEncoded = Unpooled.wrappedBuffer(MessageEncoder.encode(new Push(new byte[20])));
        int size = preEncoded.readableBytes();
        Object other = "not a frame";
        ch.writeOutbound(preEncoded, Unpooled.EMPTY_BUFFER, other);
        assertThat(counters.framesOut()).isEqualTo(1);
        assertThat(counters.bytesOut()).isEqualTo(size);
        assertThat((Object) ch.readOutbound()).isSameAs(preEncoded);
        assertThat((Object) ch.readOutbound()).isSameAs(Unpooled.EMPTY_BUFFER);
        assertThat((Object) ch.readOutbound()).isSameAs(other);
        preEncoded.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void writesWaitForTheFlushAndTheCloseReachesTheSocket() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameCodec());
        ch.write(new Ping(1));
        assertThat(ch.outboundMessages()).isEmpty();
        ch.flush();
        ByteBuf frame = ch.readOutbound();
        assertThat(frame.readableBytes()).isEqualTo(MessageEncoder.encodedSize(new Ping(1)));
        frame.release();
        ch.close();
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void aProtocolErrorIsRaisedOnceAndTheRestOfTheStreamIsDroppedWhileWritesGoOn() {
        SingleWriterFrameCounters counters = new SingleWriterFrameCounters();
        EmbeddedChannel ch = new EmbeddedChannel(new FrameCodec(1000, counters));
        Throwable thrown = null;
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0x10, 0, 1, 2})); // 4096 > 1000
        } catch (DecoderException e) {
            thrown = e.getCause();
        }
        assertThat(thrown).isInstanceOf(ProtocolException.class);
        ch.writeInbound(Unpooled.wrappedBuffer(MessageEncoder.encode(new Ping(1))));
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(counters.framesIn()).isZero();
        // The handler after the codec answers with an error: the encoding side still works.
        ch.writeOutbound(new ErrorMessage(0, 1, "bad frame"));
        ByteBuf out = ch.readOutbound();
        assertThat(out.readableBytes()).isEqualTo(MessageEncoder.encodedSize(new ErrorMessage(0, 1, "bad frame")));
        out.release();
        assertThat(counters.framesOut()).isEqualTo(1);
        ch.finishAndReleaseAll();
    }

    private static byte[] randomStream(Random random, int frames) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < frames; i++) {
            ByteBuffer frame = MessageEncoder.encode(MESSAGES.get(random.nextInt(MESSAGES.size())));
            stream.write(frame.array(), frame.arrayOffset(), frame.remaining());
        }
        return stream.toByteArray();
    }

    private static List<Message> drainInbound(EmbeddedChannel ch) {
        List<Message> got = new ArrayList<>();
        for (Object m; (m = ch.readInbound()) != null; ) {
            got.add((Message) m);
        }
        return got;
    }
}
