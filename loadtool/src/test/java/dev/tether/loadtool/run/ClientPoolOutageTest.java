package dev.tether.loadtool.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.loadtool.report.RunReport;
import dev.tether.server.ReferenceServer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The pool feeds the outage recorder from real clients: a graceful drain is a drain, not a GO_AWAY error. */
class ClientPoolOutageTest {

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); // bounded: a loaded machine is slow
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("timed out waiting for " + what).isNegative();
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    @Test
    void aGracefulDrainIsCountedAsADrainAndNotAsAnError() throws Exception {
        ReferenceServer server = ReferenceServer.builder().host("127.0.0.1").port(0).start();
        RunMetrics metrics = new RunMetrics(ClientPool::errorKind, 0);
        metrics.recordOutages(5, System.nanoTime());
        LoadPlan plan = LoadPlan.builder().clients(5).targets(List.of(server.address())).build();
        ClientPool pool = new ClientPool(plan, List.of(server.address()), metrics, System::nanoTime);
        try {
            for (int i = 0; i < 5; i++) {
                pool.connect(i).get(20, TimeUnit.SECONDS);
            }
            assertThat(metrics.outages().episodes()).isEmpty();

            server.drain();
            await(() -> metrics.outages().drains() == 5, "five drains");

            assertThat(metrics.errors()).doesNotContainKey("GO_AWAY").doesNotContainKey("CONNECTION_LOST");
            assertThat(metrics.outages().episodes()).singleElement()
                    .satisfies(e -> assertThat(e.drains()).isEqualTo(5));
            RunReport report = new RunReport();
            OutageReport.write(metrics.outages(), report);
            assertThat(report.counter(OutageReport.DRAINS)).isEqualTo(5);
            assertThat(report.info(OutageReport.INFO)).contains("5 lost (5 drained), not all back by the end");
        } finally {
            pool.close();
            server.closeNow();
        }
    }
}
