package dev.tether.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MessageEncoderTest {
    private static final String MAX_STRING = "x".repeat(0xFFFF);
    private static final byte[] MAX_TOKEN = new byte[0xFFFF];

    @ParameterizedTest(name = "{0}")
    @EnumSource(MessageType.class)
    void randomMessagesOfEveryTypeRoundTripInEveryVersionThatDefinesIt(MessageType type) throws Exception {
        for (int version = type.sinceVersion(); version <= Protocol.VERSION; version++) {
            RandomMessages messages = new RandomMessages(new Random(type.ordinal() * 10L + version), 300, version);
            for (int i = 0; i < 500; i++) {
                Message m = messages.next(type);
                assertThat(roundTrip(m, version)).isEqualTo(m);
            }
        }
    }

    @Test
    void emptyFieldsRoundTrip() throws Exception {
        List<Message> empty = List.of(new Hello(1, 0, "", "", new byte[0]), new Welcome(1, 0, 12, "", new byte[0]),
                new Ping(0), new Pong(0), new Request(1, new byte[0]), new Response(1, new byte[0]),
                new ErrorMessage(0, 0, ""), new Send(0, new byte[0]), new Push("", 0, 0, new byte[0]), new GoAway(0, ""),
                new Ack(0));
        assertThat(empty).extracting(Message::type).containsExactly(MessageType.values());
        for (Message m : empty) {
            assertThat(roundTrip(m, m.type().sinceVersion())).isEqualTo(m);
        }
    }

    @Test
    void maximumSizeFieldsRoundTrip() throws Exception {
        long u32 = 0xFFFF_FFFFL;
        List<Message> max = List.of(
                new Hello(255, u32, MAX_STRING, MAX_STRING, MAX_TOKEN),
                new Welcome(255, u32, u32, MAX_STRING, MAX_TOKEN),
                new Ping(Long.MAX_VALUE), new Pong(Long.MIN_VALUE),
                new ErrorMessage(-1L, 0xFFFF, MAX_STRING),
                new Push(MAX_STRING, Long.MAX_VALUE, Long.MAX_VALUE, new byte[1000]),
                new Send(Long.MAX_VALUE, new byte[1000]),
                new GoAway(u32, MAX_STRING));
        for (Message m : max) {
            assertThat(roundTrip(m)).isEqualTo(m);
        }
    }

    @Test
    void maximumVersionTwoFieldsRoundTrip() throws Exception {
        long u32 = 0xFFFF_FFFFL;
        List<Message> max = List.of(
                new Hello(255, u32, MAX_STRING, MAX_STRING, MAX_TOKEN, Long.MAX_VALUE),
                new Welcome(2, u32, u32, MAX_STRING, MAX_TOKEN, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE),
                new Ack(Long.MAX_VALUE),
                new Send(Long.MAX_VALUE, new byte[1000]),
                new Push(MAX_STRING, Long.MAX_VALUE, Long.MAX_VALUE, new byte[1000]));
        for (Message m : max) {
            assertThat(roundTrip(m, Protocol.VERSION_2)).isEqualTo(m);
        }
    }

    // ---- versions ----

    @Test
    void theHeaderCarriesTheVersionAskedForAndVersionOneWithoutOne() {
        Message push = new Push(null, Push.NO_TIMESTAMP, 3, new byte[] {1});

        assertThat(MessageEncoder.encode(push, Protocol.VERSION_2).get(5)).isEqualTo((byte) 2);
        assertThat(MessageEncoder.encode(push, Protocol.VERSION_1).get(5)).isEqualTo((byte) 1);
        assertThat(MessageEncoder.encode(push).get(5)).isEqualTo((byte) 1);
        // Only the version byte differs: the body of a type both versions define is the same.
        byte[] v1 = MessageEncoder.toBytes(push, 1);
        byte[] v2 = MessageEncoder.toBytes(push, 2);
        v2[5] = 1;
        assertThat(v2).isEqualTo(v1);
    }

    @Test
    void aHelloIsAlwaysWrittenInVersionOneFraming() {
        Hello hello = new Hello(2, 30_000, "c", null, new byte[] {1}, 7);

        byte[] inTwo = MessageEncoder.toBytes(hello, Protocol.VERSION_2);

        assertThat(inTwo[5]).isEqualTo((byte) 1);
        assertThat(inTwo).isEqualTo(MessageEncoder.toBytes(hello));
        assertThat(MessageEncoder.encodedSize(hello, 2)).isEqualTo(inTwo.length);
    }

    @Test
    void fromVersionTwoOnAWelcomeIsWrittenInTheVersionItAnnounces() {
        Welcome announcesOne = new Welcome(1, 30_000, 1 << 20, "s", null);
        Welcome announcesTwo = new Welcome(2, 30_000, 1 << 20, "s", null);

        assertThatThrownBy(() -> MessageEncoder.encode(announcesOne, Protocol.VERSION_2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 1").hasMessageContaining("2");
        assertThat(MessageEncoder.encode(announcesTwo, Protocol.VERSION_2).get(5)).isEqualTo((byte) 2);
        // Version 1 never checked it, and still does not: a v1 client refuses a welcome that announces 2.
        assertThat(MessageEncoder.encode(announcesTwo, Protocol.VERSION_1).get(5)).isEqualTo((byte) 1);
    }

    @Test
    void whatVersionOneCannotCarryIsRefusedBeforeAnythingIsWritten() {
        List<Message> v2Only = List.of(new Ack(1), new Welcome(2, 0, 12, "s", new byte[] {1}, 0, 0, 0));
        for (Message m : v2Only) {
            ByteBuffer dst = ByteBuffer.allocate(256);
            assertThatThrownBy(() -> MessageEncoder.encode(m, Protocol.VERSION_1, dst))
                    .as("%s", m).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version");
            assertThat(dst.position()).isZero();
            assertThat(dst.array()).containsOnly(0);
            assertThatThrownBy(() -> MessageEncoder.encode(m, dst)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> MessageEncoder.encodedSize(m)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> MessageEncoder.toBytes(m)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> MessageEncoder.toBytes(new Ack(1))).hasMessageContaining("ACK").hasMessageContaining("2");
    }

    @Test
    void versionsThisLibraryDoesNotSpeakAreRefused() {
        for (int version : new int[] {0, Protocol.VERSION + 1, -1, 255}) {
            assertThatThrownBy(() -> MessageEncoder.toBytes(new Ping(1), version))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(version));
            assertThatThrownBy(() -> MessageEncoder.encodedSize(new Ping(1), version))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void versionTwoFieldsAreWrittenAfterTheVersionOneFieldsBehindTheirFlags() {
        byte[] token = {9, 9};
        ByteBuffer hello = MessageEncoder.encode(new Hello(2, 0, "", null, token, 0x0102030405060708L), 2);
        assertThat(hello.get(7)).isEqualTo((byte) 0x06);
        assertThat(hello.getLong(hello.limit() - 8)).isEqualTo(0x0102030405060708L);

        ByteBuffer welcome = MessageEncoder.encode(new Welcome(2, 0, 12, "", token, 11, 22, 33), 2);
        assertThat(welcome.get(7)).isEqualTo((byte) 0x03);
        int end = welcome.limit();
        assertThat(new long[] {welcome.getLong(end - 24), welcome.getLong(end - 16), welcome.getLong(end - 8)})
                .containsExactly(11, 22, 33);

        ByteBuffer ack = MessageEncoder.encode(new Ack(42), 2);
        assertThat(ack.remaining()).isEqualTo(MessageEncoder.encodedSize(new Ack(42), 2)).isEqualTo(24);
        assertThat(ack.get(6)).isEqualTo((byte) 0x0B);
        assertThat(ack.get(7)).isZero();
        assertThat(ack.getLong(8)).isZero();
        assertThat(ack.getLong(16)).isEqualTo(42);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = MessageType.class, names = {"REQUEST", "RESPONSE", "SEND", "PUSH"})
    void payloadFillingTheDefaultMaximumFrameRoundTrips(MessageType type) throws Exception {
        Message m = MessageDecoderTest.withPayloadSize(type, Protocol.DEFAULT_MAX_FRAME_LENGTH - Protocol.HEADER_SIZE);

        assertThat(MessageEncoder.encodedSize(m)).isEqualTo(Protocol.LENGTH_FIELD_SIZE + Protocol.DEFAULT_MAX_FRAME_LENGTH);
        assertThat(roundTrip(m)).isEqualTo(m);
    }

    @Test
    void encodedSizeEqualsTheBytesWrittenAndTheLengthPrefix() {
        for (int version = Protocol.VERSION_1; version <= Protocol.VERSION; version++) {
            RandomMessages messages = new RandomMessages(new Random(99), 200, version);
            for (int i = 0; i < 2000; i++) {
                Message m = messages.next();
                ByteBuffer buf = ByteBuffer.allocate(1 << 16);
                buf.position(3);
                MessageEncoder.encode(m, version, buf);

                int size = MessageEncoder.encodedSize(m, version);
                assertThat(buf.position() - 3).as("%s", m).isEqualTo(size);
                assertThat(buf.getInt(3)).isEqualTo(size - Protocol.LENGTH_FIELD_SIZE);
            }
        }
    }

    @Test
    void headerIsMagicVersionTypeFlagsAndCorrelationId() {
        ByteBuffer frame = MessageEncoder.encode(new Push("t", 5, Push.NO_SEQUENCE, new byte[] {1}));

        assertThat(frame.get(4)).isEqualTo((byte) 0x54);
        assertThat(frame.get(5)).isEqualTo((byte) 0x01);
        assertThat(frame.get(6)).isEqualTo((byte) MessageType.PUSH.code());
        assertThat(frame.get(7)).isEqualTo((byte) (MessageEncoder.PUSH_HAS_TOPIC | MessageEncoder.PUSH_HAS_TIMESTAMP));
        assertThat(frame.getLong(8)).isZero();
        assertThat(MessageEncoder.encode(new Response(0x0102030405060708L, new byte[0])).getLong(8)).isEqualTo(0x0102030405060708L);
    }

    @Test
    void tooSmallBufferThrowsAndWritesNothing() {
        Message m = new Request(1, new byte[10]);
        ByteBuffer buf = ByteBuffer.allocate(MessageEncoder.encodedSize(m) - 1);

        assertThatThrownBy(() -> MessageEncoder.encode(m, buf)).isInstanceOf(BufferOverflowException.class);
        assertThat(buf.position()).isZero();
        assertThat(buf.array()).containsOnly(0);
    }

    @Test
    void writesBigEndianWhateverTheBufferOrder() {
        Message m = new Welcome(1, 30_000, 1 << 20, "s", null);
        ByteBuffer little = ByteBuffer.allocate(MessageEncoder.encodedSize(m)).order(ByteOrder.LITTLE_ENDIAN);

        MessageEncoder.encode(m, little);

        assertThat(little.array()).isEqualTo(MessageEncoder.toBytes(m));
        assertThat(little.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void encodeReturnsAFlippedBufferOfExactlyTheFrame() {
        Message m = new Ping(1);
        ByteBuffer buf = MessageEncoder.encode(m);

        assertThat(buf.position()).isZero();
        assertThat(buf.remaining()).isEqualTo(MessageEncoder.encodedSize(m)).isEqualTo(24);
        assertThat(MessageEncoder.toBytes(m)).hasSize(24);
    }

    @Test
    void supplementaryCharactersTakeFourBytes() {
        String emoji = new String(Character.toChars(0x1F600));
        Message m = new GoAway(0, emoji);

        assertThat(MessageEncoder.encodedSize(m)).isEqualTo(4 + 12 + 4 + 2 + 4);
        byte[] bytes = MessageEncoder.toBytes(m);
        assertThat(Arrays.copyOfRange(bytes, bytes.length - 4, bytes.length))
                .isEqualTo(new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80});
    }

    private static Message roundTrip(Message m) throws ProtocolException {
        return roundTrip(m, Protocol.VERSION_1);
    }

    /** Encodes in {@code version} and decodes as a connection of that version does (a hello: as a server does). */
    private static Message roundTrip(Message m, int version) throws ProtocolException {
        ByteBuffer frame = MessageEncoder.encode(m, version);
        int readAs = m instanceof Hello ? Protocol.VERSION_1 : version;
        List<Message> out = new MessageDecoder(Integer.MAX_VALUE, readAs).decode(frame);
        assertThat(frame.hasRemaining()).isFalse();
        assertThat(out).hasSize(1);
        return out.get(0);
    }
}
