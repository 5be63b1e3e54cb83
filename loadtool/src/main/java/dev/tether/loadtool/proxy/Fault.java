package dev.tether.loadtool.proxy;

import dev.tether.server.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * One kind of trouble the {@link FaultProxy} can make: a value that knows its name, its description and what it
 * does to the proxy's connections. A {@link FaultSpec} says when each one strikes.
 */
public sealed interface Fault permits Fault.Cut, Fault.Stall, Fault.Delay {

    /** The fault's one-word name, as written in a spec and counted in {@link ProxyStats#faults()}. */
    String name();

    /** The fault as a spec writes it, e.g. {@code stall 10s}. */
    String description();

    /** Does it, now; returns a line saying what it did, e.g. {@code cut: closed 12 connections}. */
    String inject(Target target);

    /** What a fault acts on: the proxy's connections. */
    interface Target {
        /** Closes every open connection, both sides, with a reset where the platform allows; returns how many. */
        int cutAll();

        /** Stops relaying in both directions, without closing anything, for {@code duration}; returns the connections held. */
        int stall(Duration duration);

        /** Holds every chunk relayed from now on for {@code latency} plus up to {@code jitter} more, keeping order. */
        void delay(Duration latency, Duration jitter);
    }

    /** Closes every connection at once, both sides (RST where possible): a crashed peer or a dropped NAT entry. */
    record Cut() implements Fault {
        @Override
        public String name() {
            return "cut";
        }

        @Override
        public String description() {
            return "cut";
        }

        @Override
        public String inject(Target target) {
            return "cut: closed " + target.cutAll() + " connections";
        }
    }

    /**
     * Stops relaying in both directions for {@code duration} and closes nothing: a silent partition, which only a
     * heartbeat can notice. Bytes read meanwhile are held (up to a bound, then reading stops) and relayed, in order,
     * when the stall ends.
     */
    record Stall(Duration duration) implements Fault {
        public Stall {
            positive("stall", duration);
        }

        @Override
        public String name() {
            return "stall";
        }

        @Override
        public String description() {
            return "stall " + Durations.format(duration);
        }

        @Override
        public String inject(Target target) {
            return description() + ": holding " + target.stall(duration) + " connections";
        }
    }

    /**
     * Adds {@code latency}, plus a uniformly random extra of up to {@code jitter}, to every chunk relayed from then on,
     * in both directions. Order is kept: a chunk never overtakes the one before it. The latency is a floor.
     */
    record Delay(Duration latency, Duration jitter) implements Fault {
        public Delay {
            positive("delay", latency);
            Objects.requireNonNull(jitter, "jitter");
            if (jitter.isNegative()) {
                throw new IllegalArgumentException("jitter must not be negative: " + Durations.format(jitter));
            }
        }

        @Override
        public String name() {
            return "delay";
        }

        @Override
        public String description() {
            return "delay " + Durations.format(latency) + (jitter.isZero() ? "" : " jitter " + Durations.format(jitter));
        }

        @Override
        public String inject(Target target) {
            target.delay(latency, jitter);
            return description() + ": every chunk from now on";
        }
    }

    private static void positive(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + Durations.format(d));
        }
    }
}
