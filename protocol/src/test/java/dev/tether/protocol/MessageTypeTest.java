package dev.tether.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageTypeTest {

    @Test
    void codesAreOneToTenInDeclarationOrder() {
        for (MessageType t : MessageType.values()) {
            assertThat(t.code()).isEqualTo(t.ordinal() + 1);
            assertThat(MessageType.fromCode(t.code())).isSameAs(t);
        }
        assertThat(MessageType.GO_AWAY.code()).isEqualTo(0x0A);
    }

    @Test
    void undefinedCodesGiveNull() {
        assertThat(MessageType.fromCode(0)).isNull();
        assertThat(MessageType.fromCode(0x0B)).isNull();
        assertThat(MessageType.fromCode(0xFF)).isNull();
        assertThat(MessageType.fromCode(-1)).isNull();
        assertThat(MessageType.fromCode(256)).isNull();
    }
}
