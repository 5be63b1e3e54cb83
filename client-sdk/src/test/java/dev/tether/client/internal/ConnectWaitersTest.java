package dev.tether.client.internal;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.client.ConnectFailedException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ConnectWaitersTest {
    @Test
    void everyWaiterIsToldTheSameOutcome() throws Exception {
        ConnectWaiters connected = new ConnectWaiters();
        CompletableFuture<Void> a = new CompletableFuture<>();
        CompletableFuture<Void> b = new CompletableFuture<>();
        connected.add(a);
        connected.add(b);
        connected.completeAll(null);
        assertThat(a.get(1, SECONDS)).isNull();
        assertThat(b.get(1, SECONDS)).isNull();

        ConnectWaiters failed = new ConnectWaiters();
        CompletableFuture<Void> c = new CompletableFuture<>();
        CompletableFuture<Void> d = new CompletableFuture<>();
        failed.add(c);
        failed.add(d);
        ConnectFailedException cause = new ConnectFailedException("connect to 127.0.0.1:7000 failed", null);
        failed.completeAll(cause);
        assertThatThrownBy(() -> c.get(1, SECONDS)).cause().isSameAs(cause);
        assertThatThrownBy(() -> d.get(1, SECONDS)).cause().isSameAs(cause);
    }
}
