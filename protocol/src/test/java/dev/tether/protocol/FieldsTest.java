package dev.tether.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FieldsTest {

    @Test
    void utf8ValidationAgreesWithTheJdkStrictDecoder() {
        // Oracle: the JDK's UTF-8 decoder set to REPORT accepts exactly well-formed UTF-8.
        Random random = new Random(3);
        int valid = 0;
        for (int i = 0; i < 60_000; i++) {
            byte[] b = new byte[1 + random.nextInt(6)];
            for (int k = 0; k < b.length; k++) {
                // Bias towards lead and continuation bytes so multi-byte sequences appear often.
                int r = random.nextInt(4);
                b[k] = (byte) (r == 0 ? random.nextInt(0x80) : r == 1 ? 0x80 + random.nextInt(0x40) : 0xC0 + random.nextInt(0x40));
            }
            boolean expected = jdkAccepts(b);
            assertThat(Fields.isWellFormedUtf8(b, 0, b.length)).as(HexFormat.of().formatHex(b)).isEqualTo(expected);
            valid += expected ? 1 : 0;
        }
        assertThat(valid).isGreaterThan(1000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"c0af", "e080af", "f08080af", "eda080", "edbfbf", "f4908080", "f5808080", "ff", "80", "c3", "e282", "f09f98"})
    void malformedSequencesAreRefused(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        assertThat(Fields.isWellFormedUtf8(b, 0, b.length)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "00", "7f", "c280", "dfbf", "e0a080", "ed9fbf", "ee8080", "efbfbf", "f0908080", "f48fbfbf"})
    void boundaryCodePointsAreAccepted(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        assertThat(Fields.isWellFormedUtf8(b, 0, b.length)).isTrue();
    }

    @Test
    void validationRespectsOffsetAndLength() {
        byte[] b = {(byte) 0xFF, 'a', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF};
        assertThat(Fields.isWellFormedUtf8(b, 1, 3)).isTrue();
        assertThat(Fields.isWellFormedUtf8(b, 1, 2)).isFalse(); // cuts the two-byte sequence
    }

    @Test
    void utf8LengthMatchesTheJdkEncoderAndFlagsUnpairedSurrogates() {
        RandomMessages strings = new RandomMessages(new Random(5), 0);
        for (int i = 0; i < 10_000; i++) {
            String s = strings.string();
            assertThat(Fields.utf8Length(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
        }
        assertThat(Fields.utf8Length("ab\uDC00")).isEqualTo(-3);
        assertThat(Fields.utf8Length("\uD800")).isEqualTo(-1);
    }

    private static boolean jdkAccepts(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
