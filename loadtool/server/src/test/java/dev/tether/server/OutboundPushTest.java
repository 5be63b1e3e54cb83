package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.protocol.FrameParser;
import dev.tether.protocol.Message;
import dev.tether.protocol.MessageEncoder;
import dev.tether.protocol.Protocol;
import dev.tether.protocol.ProtocolException;
import dev.tether.protocol.Push;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Each frame of a fanned-out push is byte for byte what the protocol's own encoder writes for that push. */
class OutboundPushTest {
    private static final byte[] PAYLOAD = "the payload, shared".getBytes(StandardCharsets.UTF_8);

    private static byte[] bytes(ByteBuf frame) {
        try {
            return ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
        }
    }

    private static Message parse(byte[] frame, int version) throws ProtocolException {
        return FrameParser.parse(ByteBuffer.wrap(frame, Protocol.LENGTH_FIELD_SIZE, frame.length - Protocol.LENGTH_FIELD_SIZE), version);
    }

    @Test
    void framesMatchTheEncoderInEachVersionWithAndWithoutASequence() throws ProtocolException {
        framesMatchTheEncoder(PAYLOAD); // copied into each frame
    }

    @Test
    void framesOfALargePayloadShareItAndStillMatchTheEncoder() throws ProtocolException {
        byte[] large = new byte[OutboundPush.COPY_LIMIT + 1];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i * 31);
        }
        framesMatchTheEncoder(large);
        OutboundPush p = OutboundPush.encode(ByteBufAllocator.DEFAULT, null, 0, large);
        try {
            ByteBuf frame = p.frame(ByteBufAllocator.DEFAULT, 2, 3);
            assertThat(p.refCnt()).as("the frame holds the shared payload").isEqualTo(2);
            frame.release();
            assertThat(p.refCnt()).isEqualTo(1);
        } finally {
            p.release();
        }
    }

    @Test
    void framesOfASmallPayloadCopyItAndHoldNoReference() {
        OutboundPush p = OutboundPush.encode(ByteBufAllocator.DEFAULT, null, 0, new byte[OutboundPush.COPY_LIMIT]);
        try {
            ByteBuf frame = p.frame(ByteBufAllocator.DEFAULT, 2, 3);
            assertThat(p.refCnt()).isEqualTo(1);
            assertThat(frame.nioBufferCount()).as("one buffer for the socket").isEqualTo(1);
            frame.release();
        } finally {
            p.release();
        }
    }

    private static void framesMatchTheEncoder(byte[] payload) throws ProtocolException {
        OutboundPush p = OutboundPush.encode(ByteBufAllocator.DEFAULT, "prices", 1234, payload);
        try {
            Push v1 = new Push("prices", 1234, Push.NO_SEQUENCE, payload);
            assertThat(bytes(p.frame(ByteBufAllocator.DEFAULT, 1, Push.NO_SEQUENCE))).isEqualTo(MessageEncoder.toBytes(v1, 1));
            assertThat(bytes(p.frame(ByteBufAllocator.DEFAULT, 2, Push.NO_SEQUENCE))).isEqualTo(MessageEncoder.toBytes(v1, 2));
            for (long seq : new long[] {0, 1, 1L << 32, Long.MAX_VALUE}) {
                byte[] frame = bytes(p.frame(ByteBufAllocator.DEFAULT, 2, seq));
                Push expected = new Push("prices", 1234, seq, payload);
                assertThat(frame).isEqualTo(MessageEncoder.toBytes(expected, 2));
                assertThat(parse(frame, 2)).isEqualTo(expected);
            }
            assertThatThrownBy(() -> p.frame(ByteBufAllocator.DEFAULT, 1, 5)).isInstanceOf(IllegalArgumentException.class);
            assertThat(p.refCnt()).isEqualTo(1); // every frame gave its reference back
        } finally {
            p.release();
        }
    }

    @Test
    void anEmptyPayloadAndNoTopicNorTimestampGiveTheBareFrame() throws ProtocolException {
        OutboundPush p = OutboundPush.encode(ByteBufAllocator.DEFAULT, null, Push.NO_TIMESTAMP, new byte[0]);
        try {
            assertThat(p.payloadLength()).isZero();
            assertThat(parse(bytes(p.frame(ByteBufAllocator.DEFAULT, 2, 7)), 2)).isEqualTo(new Push(null, Push.NO_TIMESTAMP, 7, new byte[0]));
        } finally {
            p.release();
        }
    }

    @Test
    void anInvalidTopicIsRefusedBeforeAnythingIsAllocated() {
        assertThatThrownBy(() -> OutboundPush.encode(ByteBufAllocator.DEFAULT, "x".repeat(70_000), 0, PAYLOAD))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topic");
    }
}
