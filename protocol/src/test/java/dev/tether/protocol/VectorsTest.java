package dev.tether.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The byte-level contract: every case in {@code vectors.json} (also shown in PROTOCOL.md) decodes to
 * exactly its fields or fails with exactly its error code, through every decoding path, and every valid
 * one re-encodes to the same bytes. A vector's {@code "version"} is the protocol version the connection
 * speaks when the frame arrives (absent: 1); a {@code HELLO} is always read in version 1.
 */
class VectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    record Vector(String name, int version, byte[] bytes, String type, JsonNode fields, byte[] canonical, String error) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Vector> vectors() throws IOException {
        try (InputStream in = VectorsTest.class.getResourceAsStream("/vectors.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<Vector> all = new ArrayList<>();
            for (JsonNode v : root) {
                String hex = v.get("hex").asText();
                assertThat(hex).as("hex of %s is lowercase", v.get("name")).isEqualTo(hex.toLowerCase());
                int version = v.has("version") ? v.get("version").asInt() : Protocol.VERSION_1;
                assertThat(version).as("version of %s", v.get("name")).isBetween(Protocol.VERSION_1, Protocol.VERSION);
                all.add(new Vector(v.get("name").asText(), version, HEX.parseHex(hex), text(v, "type"), v.get("fields"),
                        v.has("canonicalHex") ? HEX.parseHex(v.get("canonicalHex").asText()) : null, text(v, "error")));
            }
            return all;
        }
    }

    static Stream<Vector> valid() throws IOException {
        return vectors().stream().filter(v -> v.error == null);
    }

    static Stream<Vector> invalid() throws IOException {
        return vectors().stream().filter(v -> v.error != null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void validVectorDecodesToItsFields(Vector v) throws Exception {
        Message expected = fromFields(v.type, v.fields);

        assertThat(new MessageDecoder(Protocol.DEFAULT_MAX_FRAME_LENGTH, v.version).decode(ByteBuffer.wrap(v.bytes)))
                .containsExactly(expected);
        assertThat(decodeByteByByte(v.bytes, v.version)).containsExactly(expected);
        assertThat(FrameParser.parse(withoutPrefix(v.bytes), v.version)).isEqualTo(expected);
        assertThat(expected.type().name()).isEqualTo(v.type);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void validVectorReencodesToTheSameBytes(Vector v) throws Exception {
        Message decoded = FrameParser.parse(withoutPrefix(v.bytes), v.version);
        byte[] expected = v.canonical != null ? v.canonical : v.bytes;

        assertThat(HEX.formatHex(MessageEncoder.toBytes(decoded, v.version))).isEqualTo(HEX.formatHex(expected));
        assertThat(MessageEncoder.toBytes(fromFields(v.type, v.fields), v.version)).isEqualTo(expected);
        assertThat(MessageEncoder.encodedSize(decoded, v.version)).isEqualTo(expected.length);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidVectorFailsWithItsCode(Vector v) {
        ProtocolException.Code code = ProtocolException.Code.valueOf(v.error);

        assertThatThrownBy(() -> new MessageDecoder(Protocol.DEFAULT_MAX_FRAME_LENGTH, v.version).decode(ByteBuffer.wrap(v.bytes)))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(code));
        assertThatThrownBy(() -> decodeByteByByte(v.bytes, v.version))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(code));
        // The path a framing adapter such as Netty's takes: checkLength on the prefix, then decodeFrame.
        assertThatThrownBy(() -> {
            ByteBuffer buf = ByteBuffer.wrap(v.bytes);
            int length = buf.getInt();
            FrameParser.checkLength(length, Protocol.DEFAULT_MAX_FRAME_LENGTH);
            assertThat(buf.remaining()).as("vector %s holds its whole frame", v.name).isEqualTo(length);
            FrameParser.parse(buf, v.version);
        }).isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void everyTypeAndEveryErrorCodeHasAVector() throws IOException {
        Set<MessageType> types = EnumSet.noneOf(MessageType.class);
        Set<ProtocolException.Code> codes = EnumSet.noneOf(ProtocolException.Code.class);
        for (Vector v : vectors()) {
            if (v.error == null) {
                types.add(MessageType.valueOf(v.type));
            } else {
                codes.add(ProtocolException.Code.valueOf(v.error));
            }
        }
        assertThat(types).containsExactlyInAnyOrder(MessageType.values());
        assertThat(codes).containsExactlyInAnyOrder(ProtocolException.Code.values());
    }

    @Test
    void everyOptionalFieldIsCoveredPresentAndAbsent() throws IOException {
        // For each flagged field: some vector of its type has it, some vector does not.
        String[][] optional = {{"HELLO", "authToken"}, {"HELLO", "resumeToken"}, {"HELLO", "pushesReceived"},
            {"WELCOME", "resumeToken"}, {"WELCOME", "sendsReceived"}, {"WELCOME", "pushesLost"},
            {"WELCOME", "pushesReplayed"}, {"SEND", "sequence"}, {"PUSH", "topic"}, {"PUSH", "timestampMicros"},
            {"PUSH", "sequence"}};
        List<Vector> valid = valid().toList();
        for (String[] o : optional) {
            assertThat(valid).as("%s.%s present", o[0], o[1])
                    .anyMatch(v -> v.type.equals(o[0]) && !absent(v.fields, o[1]));
            assertThat(valid).as("%s.%s absent", o[0], o[1])
                    .anyMatch(v -> v.type.equals(o[0]) && absent(v.fields, o[1]));
        }
    }

    @Test
    void protocolMdShowsEveryVector() throws IOException {
        // Surefire runs in the module directory, where the spec lives.
        String spec = Files.readString(Path.of("PROTOCOL.md"));
        for (Vector v : vectors()) {
            assertThat(spec).as("PROTOCOL.md shows %s", v.name).contains("`" + v.name + "`").contains(HEX.formatHex(v.bytes));
        }
    }

    @Test
    void vectorNamesAreUnique() throws IOException {
        assertThat(vectors()).extracting(Vector::name).doesNotHaveDuplicates();
    }

    /** The oracle: builds the expected message straight from the JSON fields, without the codec. */
    static Message fromFields(String type, JsonNode f) {
        switch (MessageType.valueOf(type)) {
            case HELLO:
                return new Hello(f.get("maxVersion").asInt(), f.get("heartbeatIntervalMillis").asLong(),
                        f.get("clientId").asText(), optText(f, "authToken"), optBytes(f, "resumeToken"),
                        optLong(f, "pushesReceived"));
            case WELCOME:
                return new Welcome(f.get("version").asInt(), f.get("heartbeatIntervalMillis").asLong(),
                        f.get("maxFrameLength").asLong(), f.get("sessionId").asText(), optBytes(f, "resumeToken"),
                        optLong(f, "sendsReceived"), optLong(f, "pushesLost"), optLong(f, "pushesReplayed"));
            case PING:
                return new Ping(f.get("timestamp").asLong());
            case PONG:
                return new Pong(f.get("timestamp").asLong());
            case REQUEST:
                return new Request(u64(f, "id"), HEX.parseHex(f.get("payload").asText()));
            case RESPONSE:
                return new Response(u64(f, "id"), HEX.parseHex(f.get("payload").asText()));
            case ERROR:
                return new ErrorMessage(u64(f, "id"), f.get("code").asInt(), f.get("text").asText());
            case SEND:
                return new Send(optLong(f, "sequence"), HEX.parseHex(f.get("payload").asText()));
            case PUSH:
                return new Push(optText(f, "topic"), optLong(f, "timestampMicros"), optLong(f, "sequence"),
                        HEX.parseHex(f.get("payload").asText()));
            case GO_AWAY:
                return new GoAway(f.get("reconnectAfterMillis").asLong(), f.get("reason").asText());
            case ACK:
                return new Ack(f.get("sequence").asLong());
            default:
                throw new AssertionError(type);
        }
    }

    private static String text(JsonNode node, String field) {
        return node.has(field) ? node.get(field).asText() : null;
    }

    private static String optText(JsonNode f, String field) {
        return absent(f, field) ? null : f.get(field).asText();
    }

    private static byte[] optBytes(JsonNode f, String field) {
        return absent(f, field) ? null : HEX.parseHex(f.get(field).asText());
    }

    /** A field written as null, or (for fields a later version added) left out. */
    private static boolean absent(JsonNode f, String field) {
        return !f.has(field) || f.get(field).isNull();
    }

    private static long optLong(JsonNode f, String field) {
        if (absent(f, field)) {
            return -1L;
        }
        assertThat(f.get(field).canConvertToLong()).as("%s is a JSON integer of at most 2^63-1", field).isTrue();
        return f.get(field).asLong();
    }

    /** Ids are unsigned 64-bit: the JSON holds the unsigned decimal value. */
    private static long u64(JsonNode f, String field) {
        return Long.parseUnsignedLong(f.get(field).asText());
    }

    private static ByteBuffer withoutPrefix(byte[] frame) {
        return ByteBuffer.wrap(frame, Protocol.LENGTH_FIELD_SIZE, frame.length - Protocol.LENGTH_FIELD_SIZE).slice();
    }

    private static List<Message> decodeByteByByte(byte[] bytes, int version) throws ProtocolException {
        MessageDecoder decoder = new MessageDecoder(Protocol.DEFAULT_MAX_FRAME_LENGTH, version);
        List<Message> out = new ArrayList<>();
        for (byte b : bytes) {
            decoder.decode(ByteBuffer.wrap(new byte[] {b}), out::add);
        }
        assertThat(decoder.hasPartialFrame()).isFalse();
        return out;
    }
}
