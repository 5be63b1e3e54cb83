package dev.tether.loadtool.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceAddressesTest {
    @Test
    void expandsRangesAndLists() {
        List<InetAddress> a = SourceAddresses.parse(List.of("127.0.0.2-127.0.0.40", "10.0.0.1,10.0.0.2"));
        assertThat(a).hasSize(41);
        assertThat(a.get(0).getHostAddress()).isEqualTo("127.0.0.2");
        assertThat(a.get(38).getHostAddress()).isEqualTo("127.0.0.40");
        assertThat(a.get(40).getHostAddress()).isEqualTo("10.0.0.2");
    }

    @Test
    void rangesCrossOctets() {
        List<InetAddress> a = SourceAddresses.parse(List.of("10.0.0.255-10.0.1.1"));
        assertThat(a).extracting(InetAddress::getHostAddress).containsExactly("10.0.0.255", "10.0.1.0", "10.0.1.1");
    }

    @Test
    void rejectsNamesBackwardRangesAndHugeRanges() {
        assertThatThrownBy(() -> SourceAddresses.parse(List.of("localhost"))).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> SourceAddresses.parse(List.of("127.0.0.9-127.0.0.2"))).hasMessageContaining("ends before it starts");
        assertThatThrownBy(() -> SourceAddresses.parse(List.of("10.0.0.0-10.2.0.0"))).hasMessageContaining("more than 65536");
    }
}
