package dev.cachesync.benchmarks;

import java.util.ArrayList;
import java.util.List;

import dev.cachesync.devstack.KafkaBroker;
import dev.cachesync.devstack.KafkaCluster;
import dev.cachesync.devstack.RedisCluster;
import dev.cachesync.devstack.RedisServer;
import dev.cachesync.devstack.SchemaRegistry;

/**
 * Issue 12's scale-out, measured in one run: invalidator throughput with 1, 2 and 3 instances sharing the
 * partitions of product-events (on one broker, and on a three-broker cluster with replication factor 3), and fill,
 * read and purge latency on a Redis Cluster against standalone redis-server.
 *
 * <p>Settings (system properties): {@code bench.scaling.short=true} for a quick run (a smaller backlog, one round,
 * one broker only, fewer latency rounds); {@code bench.scaling.brokers} ({@code 1,3}; empty: latency only);
 * {@code bench.scaling.events}
 * (200,000) over {@code bench.scaling.products} (2,000); {@code bench.scaling.partitions} (6);
 * {@code bench.scaling.latencyRounds} (6).
 */
final class ScalingBenchmark {
    static final boolean SHORT = Boolean.getBoolean("bench.scaling.short");
    static final int PARTITIONS = Integer.getInteger("bench.scaling.partitions", 6);
    static final int EVENTS = Integer.getInteger("bench.scaling.events", SHORT ? 20_000 : 200_000);
    static final int PRODUCTS = Integer.getInteger("bench.scaling.products", 2_000);
    static final int LATENCY_ROUNDS = Integer.getInteger("bench.scaling.latencyRounds", SHORT ? 2 : 6);
    static final List<Integer> BROKERS = java.util.Arrays.stream(
            System.getProperty("bench.scaling.brokers", SHORT ? "1" : "1,3").split(","))
            .map(String::trim).filter(b -> !b.isEmpty()).map(Integer::valueOf).toList();

    record Outcome(List<InvalidatorScaling.Drain> drains, RedisLayoutLatency.Outcome latency, String loadAtEnd,
                   double minutes) {
    }

    Outcome run() throws Exception {
        long started = System.nanoTime();
        List<InvalidatorScaling.Drain> drains = new ArrayList<>();
        try (SchemaRegistry registry = SchemaRegistry.start(); RedisServer redis = RedisServer.start()) {
            InvalidatorScaling scaling = new InvalidatorScaling(PARTITIONS, EVENTS, PRODUCTS);
            for (int brokers : BROKERS) {
                if (brokers == 1) {
                    try (KafkaBroker kafka = KafkaBroker.start()) {
                        // Two rounds, the second in reverse order: a drift of the machine's load falls on each count.
                        List<List<Integer>> rounds = SHORT ? List.of(List.of(1, 2, 3))
                                : List.of(List.of(1, 2, 3), List.of(3, 2, 1));
                        drains.addAll(scaling.run(kafka("1 broker", kafka.bootstrapServers(), 1), redis, registry,
                                rounds));
                    }
                } else if (brokers == 3) {
                    try (KafkaCluster kafka = KafkaCluster.start()) {
                        System.out.printf("KafkaCluster started in %.1f s%n", kafka.startTime().toMillis() / 1e3);
                        drains.addAll(scaling.run(kafka("3 brokers, RF 3, min ISR 2", kafka.bootstrapServers(), 3),
                                redis, registry, List.of(List.of(1, 2, 3), List.of(3, 2, 1))));
                    }
                } else {
                    throw new IllegalArgumentException("bench.scaling.brokers: 1 or 3, was " + brokers);
                }
            }
            RedisLayoutLatency.Outcome latency;
            try (RedisCluster cluster = RedisCluster.start()) {
                long measuring = System.nanoTime();
                latency = new RedisLayoutLatency().run(redis, cluster, LATENCY_ROUNDS);
                System.out.printf("latency rounds took %.1f s%n", (System.nanoTime() - measuring) / 1e9);
            }
            return new Outcome(drains, latency, Machine.loadAverage(), (System.nanoTime() - started) / 60e9);
        }
    }

    private static InvalidatorScaling.Kafka kafka(String name, String bootstrapServers, int replicationFactor) {
        return new InvalidatorScaling.Kafka() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String bootstrapServers() {
                return bootstrapServers;
            }

            @Override
            public int replicationFactor() {
                return replicationFactor;
            }
        };
    }

    static String toMarkdown(Outcome outcome) {
        return "## Invalidator throughput: 1, 2 and 3 instances sharing " + PARTITIONS + " partitions\n\n"
                + String.format("%,d", EVENTS) + " ProductEvents for " + String.format("%,d", PRODUCTS)
                + " products, keyed by product id, written with the relay's producer settings to "
                + "catalog.product-events.v1 (" + PARTITIONS + " partitions, created by the invalidator as in "
                + "production) before any instance starts. Each setup is a new application id (so it reads the whole "
                + "backlog), its instances separate Kafka Streams apps in this JVM (InvalidatorApp: the real "
                + "topology, batching defaults, Redis purger on standalone redis-server, 1 stream thread each), "
                + "started together and paused (`KafkaStreams#pause`) as soon as constructed. Once every instance is "
                + "RUNNING and the group is stable with each owning partitions (\"start-up\", from the first start "
                + "call), all are resumed and the clock starts; it stops at the last event's purge acknowledgement "
                + "(`purgeAcknowledgedAtMicros` of the InvalidationApplied records, not this benchmark's polling). "
                + "Without the pause the first instance drained up to two thirds of the backlog alone while the others "
                + "joined (seconds apart on two busy cores). \"Taken / applied before the clock\" shows that nothing "
                + "was processed while paused (records the consumers fetched meanwhile are not counted; that is the "
                + "same for every setup). Round 0 (one instance, not shown) warms up the JIT. Purges and events per "
                + "purge are summed over the instances; partitions per instance are the group's assignment. CPU, "
                + "from resume to the drain's end: this JVM's (the instances, their clients and, with 1 broker, the "
                + "broker) in cores, and the share of both cores busy on the machine (everything, other users' builds included)."
                + "\n\n"
                + InvalidatorScaling.toMarkdown(outcome.drains())
                + "\n## Purge, fill and read latency: Redis Cluster vs standalone\n\n"
                + "cache-client's public API (CachingHttpClient with the near cache off, TagPurger) against a "
                + "private redis-server and a Redis Cluster with the default segment count and with 6, with "
                + "an in-process HTTP origin that answers at once (the fill includes one local HTTP exchange). "
                + outcome.latency().setup() + "\n\n" + outcome.latency().table()
                + String.format("%n| | |%n|---|---|%n| load average at end | %s |%n| total time | %.1f min |%n",
                outcome.loadAtEnd(), outcome.minutes());
    }
}
