package dev.tether.loadtool.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShardTest {

    @Test
    void parsesKOfNAndTakesKFromTheIndexedJobsVariable() {
        assertThat(Shard.parse("2/5", Map.of())).isEqualTo(new Shard(2, 5));
        assertThat(Shard.parse("/5", Map.of(Shard.INDEX_VARIABLE, "3"))).isEqualTo(new Shard(3, 5));
        assertThat(Shard.parse("1/5", Map.of(Shard.INDEX_VARIABLE, "3"))).as("an explicit K wins").isEqualTo(new Shard(1, 5));
    }

    @Test
    void badShardsSayWhatToWrite() {
        assertThatThrownBy(() -> Shard.parse("/4", Map.of())).hasMessageContaining("JOB_COMPLETION_INDEX, which is not set")
                .hasMessageContaining("--shard K/4");
        assertThatThrownBy(() -> Shard.parse("4/4", Map.of())).hasMessageContaining("numbered from 0").hasMessageContaining("0..3");
        assertThatThrownBy(() -> Shard.parse("/4", Map.of(Shard.INDEX_VARIABLE, "x"))).hasMessageContaining("JOB_COMPLETION_INDEX='x'");
        assertThatThrownBy(() -> Shard.parse("3", Map.of())).hasMessageContaining("must be K/N");
        assertThatThrownBy(() -> Shard.parse("0/0", Map.of())).hasMessageContaining("at least 1");
    }

    @Test
    void sharesCoverEveryClientOnceWithTheRemainderOnTheFirstShards() {
        for (int total : new int[] {1, 7, 100, 1001}) {
            for (int n = 1; n <= Math.min(total, 9); n++) {
                Set<Integer> seen = new HashSet<>();
                int next = 0;
                for (int k = 0; k < n; k++) {
                    Shard s = new Shard(k, n);
                    assertThat(s.firstClient(total)).isEqualTo(next);
                    assertThat(s.clients(total)).isBetween(total / n, total / n + 1);
                    for (int i = 0; i < s.clients(total); i++) {
                        assertThat(seen.add(s.firstClient(total) + i)).isTrue();
                    }
                    next += s.clients(total);
                }
                assertThat(seen).hasSize(total);
            }
        }
        assertThat(new Shard(0, 3).clients(200)).isEqualTo(67);
        assertThat(new Shard(2, 3).clients(200)).isEqualTo(66);
    }

    @Test
    void partsOfAPlanAddUpToThePlan() throws Exception {
        List<InetAddress> sources = new ArrayList<>();
        for (int i = 2; i <= 8; i++) {
            sources.add(InetAddress.getByName("127.0.0." + i));
        }
        LoadPlan whole = LoadPlan.builder().clients(1001).rate(3000).connectRate(900).sourceAddresses(sources)
                .startAt(Instant.ofEpochSecond(1_795_977_000L)).build();
        double rate = 0;
        double connectRate = 0;
        int clients = 0;
        Set<InetAddress> used = new HashSet<>();
        for (int k = 0; k < 3; k++) {
            LoadPlan part = whole.toBuilder().shard(new Shard(k, 3)).build().part();
            assertThat(part.shard()).isEqualTo(Shard.WHOLE);
            assertThat(part.firstClient()).isEqualTo(clients);
            assertThat(part.startAt()).isEqualTo(whole.startAt());
            // Every client runs at the rate it would in one process.
            assertThat(part.rate() / part.clients()).isCloseTo(3000.0 / 1001, org.assertj.core.data.Offset.offset(1e-9));
            rate += part.rate();
            connectRate += part.connectRate();
            clients += part.clients();
            assertThat(part.sourceAddresses()).isNotEmpty();
            for (InetAddress a : part.sourceAddresses()) {
                assertThat(used.add(a)).as("%s in one shard only", a).isTrue();
            }
        }
        assertThat(clients).isEqualTo(1001);
        assertThat(rate).isCloseTo(3000, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(connectRate).isCloseTo(900, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(used).containsExactlyInAnyOrderElementsOf(sources);
        assertThat(whole.part()).as("an unsplit plan is its own part").isSameAs(whole);
    }

    @Test
    void fewerSourceAddressesThanShardsAreTakenInTurn() throws Exception {
        List<InetAddress> two = List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.3"));
        assertThat(new Shard(0, 3).sourceAddresses(two)).containsExactly(two.get(0));
        assertThat(new Shard(1, 3).sourceAddresses(two)).containsExactly(two.get(1));
        assertThat(new Shard(2, 3).sourceAddresses(two)).containsExactly(two.get(0));
        assertThat(new Shard(2, 3).sourceAddresses(List.of())).isEmpty();
    }

    @Test
    void moreShardsThanClientsIsRefused() {
        assertThatThrownBy(() -> LoadPlan.builder().clients(2).shard(new Shard(0, 3)).build())
                .hasMessageContaining("2 clients cannot be split into 3 shards");
    }

    @Test
    void thePlanIdentityIsTheSameInEveryShardAndChangesWithThePlan() {
        LoadPlan whole = LoadPlan.builder().clients(300).rate(900).build();
        String id = PlanIdentity.of(whole.toBuilder().shard(new Shard(0, 3)).build());
        assertThat(PlanIdentity.of(whole.toBuilder().shard(new Shard(2, 3)).hlog(java.nio.file.Path.of("x.hlog")).ioThreads(4)
                .startAt(Instant.now()).build())).isEqualTo(id);
        assertThat(PlanIdentity.of(whole.toBuilder().shard(new Shard(0, 4)).build())).isNotEqualTo(id);
        assertThat(PlanIdentity.of(whole.toBuilder().shard(new Shard(0, 3)).rate(901).build())).isNotEqualTo(id);
        assertThat(PlanIdentity.of(whole.toBuilder().shard(new Shard(0, 3)).duration(Duration.ofSeconds(11)).build())).isNotEqualTo(id);
        assertThat(PlanIdentity.of(whole.toBuilder().shard(new Shard(0, 3)).authToken("secret").build()))
                .isNotEqualTo(id).isEqualTo(PlanIdentity.of(whole.toBuilder().shard(new Shard(0, 3)).authToken("other").build()));
        assertThat(id).matches("[0-9a-f]{16}");
    }

    @Test
    void startAtTakesIsoOrEpochSeconds() {
        assertThat(StartAt.parse("2026-11-29T18:30:00Z")).isEqualTo(Instant.parse("2026-11-29T18:30:00Z"));
        assertThat(StartAt.parse("1795977000")).isEqualTo(Instant.ofEpochSecond(1_795_977_000L));
        assertThat(StartAt.parse("1795977000.5")).isEqualTo(Instant.ofEpochMilli(1_795_977_000_500L));
        assertThatThrownBy(() -> StartAt.parse("tomorrow")).hasMessageContaining("ISO-8601").hasMessageContaining("epoch");
        assertThat(StartAt.delayNanos(Instant.ofEpochMilli(5_000), 3_000)).isEqualTo(2_000_000_000L);
        assertThat(StartAt.delayNanos(Instant.ofEpochMilli(5_000), 6_000)).isNegative();
    }
}
