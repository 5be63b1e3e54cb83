package dev.tether.loadtool.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadTemplateTest {
    private static final PayloadTemplate.Values VALUES = new PayloadTemplate.Values(42, 7, 123456789L, 1_700_000_000_123L);

    private static String text(String spec, PayloadTemplate.Values v) {
        return new String(PayloadTemplate.parse(spec).render(v), StandardCharsets.UTF_8);
    }

    @Test
    void textIsSentVerbatimWithOrWithoutItsPrefix() {
        assertThat(text("text:{\"op\":\"ping\",\"a\":\"b\\n\"}", VALUES)).isEqualTo("{\"op\":\"ping\",\"a\":\"b\\n\"}");
        assertThat(text("hello world", VALUES)).isEqualTo("hello world");
        assertThat(text("text:hex:ab", VALUES)).isEqualTo("hex:ab");
        assertThat(PayloadTemplate.parse("text:").render(VALUES)).isEmpty();
        assertThat(text("costs $5 and {braces}", VALUES)).isEqualTo("costs $5 and {braces}");
    }

    @Test
    void hexAndBase64AreDecoded() {
        assertThat(PayloadTemplate.parse("hex:48 65:6c6C 6f").render(VALUES)).isEqualTo("Hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(PayloadTemplate.parse("base64:SGVsbG8=").render(VALUES)).isEqualTo("Hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(PayloadTemplate.parse("hex:00ff").render(VALUES)).containsExactly(0x00, 0xff);
    }

    @Test
    void placeholdersAreFilledInPerMessage() {
        assertThat(text("text:from ${client} #${seq} at ${time}", VALUES)).isEqualTo("from 42 #7 at 1700000000123");
        assertThat(text("text:${seq}", new PayloadTemplate.Values(42, 8, 0, 0))).isEqualTo("8");
        // In hex, a placeholder's value is inserted as its UTF-8 text between the decoded bytes.
        assertThat(PayloadTemplate.parse("hex:01 ${client} 02").render(VALUES)).containsExactly(0x01, '4', '2', 0x02);
        assertThat(PayloadTemplate.parse("base64:AQ==${seq}Ag==").render(VALUES)).containsExactly(0x01, '7', 0x02);
    }

    @Test
    void clientModuloGroupsTheClients() {
        assertThat(text("text:join room-${client%10}", VALUES)).isEqualTo("join room-2");
        assertThat(text("text:${client%10}", new PayloadTemplate.Values(10, 0, 0, 0))).isEqualTo("0");
        assertThat(text("text:${client%1}", VALUES)).isEqualTo("0");
        assertThatThrownBy(() -> PayloadTemplate.parse("text:${client%0}")).hasMessageContaining("${client%0} at character 6: N must be");
        assertThatThrownBy(() -> PayloadTemplate.parse("text:${client%x}")).hasMessageContaining("N must be a whole number");
    }

    @Test
    void randomIsOfTheAskedLengthAndAlphabetAndFollowsItsSeed() {
        String a = text("text:${random:12}", VALUES);
        assertThat(a).hasSize(12).matches("[a-z0-9]{12}");
        assertThat(text("text:${random:12}", VALUES)).isEqualTo(a);
        assertThat(text("text:${random:12}", new PayloadTemplate.Values(42, 7, 987654321L, 0))).isNotEqualTo(a);
        assertThat(text("text:${random:1024}", VALUES)).hasSize(1024);
        // 2,000 characters use the whole alphabet: the draw is not stuck on a few values.
        assertThat(text("text:${random:1024}${random:1024}", VALUES).chars().distinct().count()).isEqualTo(36);
    }

    @Test
    void aDoubledDollarWritesALiteralPlaceholder() {
        assertThat(text("text:$${client} is ${client}", VALUES)).isEqualTo("${client} is 42");
    }

    @Test
    void aPayloadWithoutPlaceholdersIsOneSharedArray() {
        PayloadTemplate fixed = PayloadTemplate.parse("text:same");
        assertThat(fixed.isConstant()).isTrue();
        assertThat(fixed.render(VALUES)).isSameAs(fixed.render(new PayloadTemplate.Values(1, 2, 3, 4)));
        assertThat(PayloadTemplate.parse("text:${seq}").isConstant()).isFalse();
    }

    @Test
    void mistakesAreRefusedWithWhereAndWhat() {
        assertThatThrownBy(() -> PayloadTemplate.parse("text:hi ${name}"))
                .hasMessage("unknown placeholder ${name} at character 9: use ${client}, ${client%N}, ${seq}, ${random:N} or ${time} "
                        + "(write $${ for a literal ${)");
        assertThatThrownBy(() -> PayloadTemplate.parse("text:x ${seq"))
                .hasMessageStartingWith("'${' at character 8 is not closed by '}'");
        assertThatThrownBy(() -> PayloadTemplate.parse("text:${random:0}")).hasMessageContaining("from 1 to 1024");
        assertThatThrownBy(() -> PayloadTemplate.parse("text:${random:1025}")).hasMessageContaining("from 1 to 1024");
        assertThatThrownBy(() -> PayloadTemplate.parse("text:${random:x}")).hasMessageContaining("${random:x} at character 6");
        assertThatThrownBy(() -> PayloadTemplate.parse("hex:abc")).hasMessageContaining("odd number of digits (3)");
        assertThatThrownBy(() -> PayloadTemplate.parse("hex:zz")).hasMessageContaining("is not hexadecimal");
        assertThatThrownBy(() -> PayloadTemplate.parse("hex:0${seq}1")).hasMessageContaining("hex from character 5 has an odd number");
        assertThatThrownBy(() -> PayloadTemplate.parse("base64:***")).hasMessageContaining("is not base64");
        // Placeholders cannot make a payload grow without bound: 1,025 x 1,024 random characters is over 1 MiB.
        assertThatThrownBy(() -> PayloadTemplate.parse("text:" + "${random:1024}".repeat(1_025)))
                .hasMessage("the payload can be 1049600 bytes long with its placeholders filled in: at most 1048576 are allowed");
        assertThat(PayloadTemplate.parse("text:" + "${random:1024}".repeat(1_024)).render(VALUES)).hasSize(1 << 20);
    }
}
