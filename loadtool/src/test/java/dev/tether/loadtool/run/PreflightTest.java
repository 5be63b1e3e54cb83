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
    void unknownLimitsPass() {
        assertThat(Preflight.check(LoadPlan.builder().clients(1_000_000).build(), ResourceLimits.UNKNOWN)).isEmpty();
    }

    @Test
    void readsThisMachinesLimits() {
        ResourceLimits limits = ResourceLimits.current();
        assertThat(limits.maxOpenFiles()).isPositive();
        assertThat(limits.openFiles()).isPositive().isLessThan(limits.maxOpenFiles());
    }
}
