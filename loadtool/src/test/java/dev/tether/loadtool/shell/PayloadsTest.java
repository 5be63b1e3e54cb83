package dev.tether.loadtool.shell;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PayloadsTest {
    @TempDir
    Path dir;

    @Test
    void textIsSentAsUtf8Verbatim() {
        assertThat(Payloads.parse("héllo  world", dir)).isEqualTo("héllo  world".getBytes(UTF_8));
    }

    @Test
    void hexIsSentAsBytesAndAcceptsSeparatorsAndCase() {
        assertThat(Payloads.parse("hex:00ff10", dir)).containsExactly(0x00, 0xff, 0x10);
        assertThat(Payloads.parse("hex:00 FF:10", dir)).containsExactly(0x00, 0xff, 0x10);
        assertThat(Payloads.parse("hex:0x0a0B", dir)).containsExactly(0x0a, 0x0b);
    }

    @Test
    void badHexSaysWhatIsWrong() {
        assertThatThrownBy(() -> Payloads.parse("hex:abc", dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("odd number of digits (3)");
        assertThatThrownBy(() -> Payloads.parse("hex:zz", dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'zz' is not hexadecimal");
    }

    @Test
    void atFileSendsTheFileContentRelativeToTheBaseDirectory() throws Exception {
        byte[] content = {1, 2, 3, (byte) 0xfe};
        Files.write(dir.resolve("payload.bin"), content);
        assertThat(Payloads.parse("@payload.bin", dir)).isEqualTo(content);
        assertThat(Payloads.parse("@" + dir.resolve("payload.bin"), Path.of("/"))).isEqualTo(content);
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> Payloads.parse("@nope.bin", dir))
                .hasMessage("no such file: " + dir.resolve("nope.bin"));
        assertThatThrownBy(() -> Payloads.parse("@", dir)).hasMessageContaining("@ needs a file name");
    }

    @Test
    void textPrefixSendsWhatWouldOtherwiseBeSyntax() {
        assertThat(Payloads.parse("text:hex:00", dir)).isEqualTo("hex:00".getBytes(UTF_8));
        assertThat(Payloads.parse("text:@home", dir)).isEqualTo("@home".getBytes(UTF_8));
    }

    @Test
    void anEmptyPayloadIsRefusedWithTheAcceptedForms() {
        assertThatThrownBy(() -> Payloads.parse("", dir)).hasMessageContaining("text, hex:0a0b... or @file");
    }

    @Test
    void displayShowsTextAsTextAndBinaryAsHexThatParsesBack() {
        assertThat(Payloads.display("hello\tthere\n".getBytes(UTF_8))).isEqualTo("hello\tthere\n");
        byte[] binary = {0, 1, (byte) 0xff, 'a'};
        String shown = Payloads.display(binary);
        assertThat(shown).isEqualTo("hex:0001ff61");
        assertThat(Payloads.parse(shown, dir)).isEqualTo(binary);
        assertThat(Payloads.display("bad\u0007bell".getBytes(UTF_8))).startsWith("hex:");
        assertThat(Payloads.display(new byte[] {(byte) 0xc3})).isEqualTo("hex:c3"); // malformed UTF-8
    }

    @Test
    void longPayloadsAreCutAndSayHowMuchIsHidden() {
        byte[] big = new byte[Payloads.DISPLAY_LIMIT + 10];
        Arrays.fill(big, (byte) 'x');
        assertThat(Payloads.display(big)).isEqualTo("x".repeat(Payloads.DISPLAY_LIMIT) + " ... (10 more bytes)");
    }

    @Test
    void aSmallerLimitCutsSooner() {
        byte[] zeros = new byte[300];
        assertThat(Payloads.display(zeros, 4)).isEqualTo("hex:00000000 ... (296 more bytes)");
    }

    @Test
    void aMultiByteCharacterCutAtTheLimitStillShowsAsText() {
        // 'é' is two bytes; put one across the display limit
        String text = "x".repeat(Payloads.DISPLAY_LIMIT - 1) + "é" + "yyy";
        String shown = Payloads.display(text.getBytes(UTF_8));
        assertThat(shown).startsWith("xxx").doesNotStartWith("hex:").endsWith(" ... (5 more bytes)");
    }

    @Test
    void aPushPreviewIsOneShortLine() {
        assertThat(Payloads.preview("breaking".getBytes(UTF_8))).isEqualTo("breaking");
        assertThat(Payloads.preview("two\nlines".getBytes(UTF_8))).isEqualTo("two\\nlines");
        assertThat(Payloads.preview(new byte[128])).isEqualTo("128 bytes hex:" + "00".repeat(Payloads.PUSH_HEX_PREVIEW) + "...");
        assertThat(Payloads.preview(new byte[] {0, 1})).isEqualTo("2 bytes hex:0001");
        byte[] longText = "y".repeat(Payloads.PUSH_DISPLAY_LIMIT + 44).getBytes(UTF_8);
        assertThat(Payloads.preview(longText)).isEqualTo("y".repeat(Payloads.PUSH_DISPLAY_LIMIT) + " ... ("
                + longText.length + " bytes)");
    }
}
