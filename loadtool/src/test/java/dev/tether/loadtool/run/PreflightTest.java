package dev.tether.loadtool.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreflightTest {
    private static final ResourceLimits ROOMY = new ResourceLimits(1_048_576, 20, 28_232, "32768 60999");

    @Test
    void refusesMoreClientsThanTheOpenFileLimitAndSaysWhatToChange() {
        LoadPlan plan = LoadPlan.builder().clients(5_000).targets(List.of(InetSocketAddress.createUnresolved("10.0.0.1", 7000))).build();
        List<String> problems = Preflight.check(plan, new ResourceLimits(1_024, 30, 28_232, "32768 60999"));
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0)).contains("5000 clients").contains("limit is 1024").contains("ulimit -n 6000")
                .contains("--clients 866");
    }

    @Test
    void theEmbeddedServerDoublesTheFilesNeeded() {
        LoadPlan plan = LoadPlan.builder().clients(6_000).build();
        assertThat(Preflight.check(plan, new ResourceLimits(10_000, 30, 28_232, "32768 60999")))
                .singleElement().asString().contains("embedded server").contains("loadtool server");
        assertThat(Preflight.check(plan.toBuilder().clients(4_000).build(), new ResourceLimits(10_000, 30, 28_232, "32768 60999"))).isEmpty();
    }

    @Test
    void aFaultProxyAddsTwoSocketsPerClient() {
        LoadPlan plan = LoadPlan.builder().clients(2_500).faultProxy(dev.tether.loadtool.proxy.FaultSpec.parse("cut every 5s")).build();
        assertThat(Preflight.check(plan, new ResourceLimits(10_000, 30, 28_232, "32768 60999")))
                .singleElement().asString().contains("10000 sockets counting the embedded server's side and the fault proxy's two")
                .contains("--clients 2460");
        assertThat(Preflight.check(plan.toBuilder().faultProxy(null).build(),
                new ResourceLimits(10_000, 30, 28_232, "32768 60999"))).isEmpty();
    }

    @Test
    void refusesMoreConnectionsPerSourceAddressThanEphemeralPorts() throws Exception {
        LoadPlan plan = LoadPlan.builder().clients(50_000).targets(List.of(InetSocketAddress.createUnresolved("10.0.0.1", 7000))).build();
        assertThat(Preflight.check(plan, ROOMY)).singleElement().asString()
                .contains("only 28232 ephemeral ports").contains("--source-address").contains("at least 2");

        LoadPlan spread = plan.toBuilder().sourceAddresses(List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.3"))).build();
        assertThat(Preflight.check(spread, ROOMY)).isEmpty();
    }

    @Test
    void notesMoreThanHalfTheEphemeralPortsOnOneSourceAddressBecauseConnectsGetSlow() throws Exception {
        LoadPlan plan = LoadPlan.builder().clients(15_000).connectRate(1_000)
                .targets(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 7000))).build();
        assertThat(Preflight.check(plan, ROOMY)).isEmpty(); // it fits: 15,000 of 28,232 ports
        assertThat(Preflight.notes(plan, ROOMY, 4096)).singleElement().asString()
                .contains("up to 15000 connections share one source address and target, more than half of the 28232")
                .contains("--source-address 127.0.0.2-127.0.0.4"); // 3 addresses: 5,000 each, under a quarter (7,058)
        assertThat(Preflight.notes(plan.toBuilder().clients(14_116).build(), ROOMY, 4096)).isEmpty();
        LoadPlan spread = plan.toBuilder().sourceAddresses(List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.3"))).build();
        assertThat(Preflight.notes(spread, ROOMY, 4096)).isEmpty();
    }

    @Test
    void notesAnAcceptQueueShorterThanOneSecondOfTheRampOnThisMachine() {
        LoadPlan embedded = LoadPlan.builder().clients(1_000).connectRate(5_000).build();
        assertThat(Preflight.notes(embedded, ROOMY, 4096)).singleElement().asString()
                .contains("net.core.somaxconn is 4096").contains("holds 0.8 s of this 5000/s ramp")
                .contains("sysctl -w net.core.somaxconn=65535");
        assertThat(Preflight.notes(embedded, ROOMY, 65_535)).isEmpty();
        assertThat(Preflight.notes(embedded, ROOMY, -1)).isEmpty();
        assertThat(Preflight.notes(embedded.toBuilder().connectRate(2_000).build(), ROOMY, 4096)).isEmpty();
        // Another machine's server: its kernel's limit is not ours to read.
        LoadPlan remote = embedded.toBuilder().targets(List.of(InetSocketAddress.createUnresolved("10.0.0.1", 7000))).build();
        assertThat(Preflight.notes(remote, ROOMY, 4096)).isEmpty();
    }

    @Test
    void unknownLimitsPass() {
        assertThat(Preflight.check(LoadPlan.builder().clients(1_000_000).build(), ResourceLimits.UNKNOWN)).isEmpty();
    }

    @Test
    void readsThisMachinesLimits() throws Exception {
        ResourceLimits limits = ResourceLimits.current();
        assertThat(limits.maxOpenFiles()).isPositive();
        assertThat(limits.openFiles()).isPositive().isLessThan(limits.maxOpenFiles());
        java.nio.file.Path range = java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (java.nio.file.Files.isReadable(range)) {
            // The whole "32768\t60999", not its first byte (a sysctl file answers only a read from its start).
            String[] bounds = java.nio.file.Files.readAllLines(range).get(0).trim().split("\\s+");
            assertThat(limits.ephemeralPorts()).isEqualTo(Integer.parseInt(bounds[1]) - Integer.parseInt(bounds[0]) + 1);
        }
    }
}
