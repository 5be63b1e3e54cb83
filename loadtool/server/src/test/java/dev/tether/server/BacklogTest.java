package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code backlog}: what the server asks the kernel for, and what the kernel grants. */
class BacklogTest {
    private static final Path SOMAXCONN = Path.of("/proc/sys/net/core/somaxconn");

    @Test
    void readsTheKernelsWholeLimit() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(SOMAXCONN), "Linux");
        // Not just the first byte: a sysctl file answers only a read from its start.
        assertThat(ReferenceServer.somaxconn()).isEqualTo(Integer.parseInt(Files.readAllLines(SOMAXCONN).get(0).trim()));
    }

    @Test
    void theBacklogInForceIsTheOneAskedForCappedByTheKernel() {
        int cap = ReferenceServer.somaxconn();
        ReferenceServer byDefault = ReferenceServer.builder().host("127.0.0.1").port(0).eventLoopThreads(1).start();
        ReferenceServer small = ReferenceServer.builder().host("127.0.0.1").port(0).eventLoopThreads(1).backlog(16).start();
        try {
            assertThat(byDefault.backlog()).isEqualTo(cap > 0 ? Math.min(ReferenceServer.DEFAULT_BACKLOG, cap) : ReferenceServer.DEFAULT_BACKLOG);
            assertThat(small.backlog()).isEqualTo(cap > 0 ? Math.min(16, cap) : 16);
        } finally {
            byDefault.closeNow();
            small.closeNow();
        }
    }

    @Test
    void refusesABacklogBelowOne() {
        assertThatThrownBy(() -> ReferenceServer.builder().backlog(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backlog must be at least 1: 0");
    }
}
