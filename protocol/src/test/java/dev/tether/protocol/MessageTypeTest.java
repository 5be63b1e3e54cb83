package dev.tether.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageTypeTest {

    @Test
    void codesAreOneToElevenInDeclarationOrder() {
        for (MessageType t : MessageType.values()) {
            assertThat(t.code()).isEqualTo(t.ordinal() + 1);
            assertThat(MessageType.fromCode(t.code())).isSameAs(t);
        }
        assertThat(MessageType.GO_AWAY.code()).isEqualTo(0x0A);
        assertThat(MessageType.ACK.code()).isEqualTo(0x0B);
    }

    @Test
    void ackIsTheOnlyTypeAddedInVersionTwo() {
        for (MessageType t : MessageType.values()) {
            int since = t == MessageType.ACK ? 2 : 1;
            assertThat(t.sinceVersion()).as("%s", t).isEqualTo(since);
            assertThat(t.isDefinedIn(1)).as("%s in v1", t).isEqualTo(since == 1);
            assertThat(t.isDefinedIn(2)).as("%s in v2", t).isTrue();
        }
    }

    @Test
    void undefinedCodesGiveNull() {
        assertThat(MessageType.fromCode(0)).isNull();
        assertThat(MessageType.fromCode(0x0C)).isNull();
        assertThat(MessageType.fromCode(0xFF)).isNull();
        assertThat(MessageType.fromCode(-1)).isNull();
        assertThat(MessageType.fromCode(256)).isNull();
    }
}
