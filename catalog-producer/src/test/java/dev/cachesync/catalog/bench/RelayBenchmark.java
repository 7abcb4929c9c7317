package dev.cachesync.catalog.bench;

import dev.cachesync.catalog.outbox.OutboxRelay;
import dev.cachesync.catalog.outbox.OutboxWriter;
import dev.cachesync.catalog.product.ProductDraft;
import dev.cachesync.catalog.product.ProductStore;
import dev.cachesync.catalog.product.WriteCondition;
import dev.cachesync.catalog.publish.ProductEventProducer;
import dev.cachesync.catalog.testing.TestDatabase;
import dev.cachesync.catalog.testing.TopicReader;
import dev.cachesync.devstack.DevStack;
import dev.cachesync.devstack.KafkaBroker;
import dev.cachesync.devstack.SchemaRegistry;
import dev.cachesync.events.ProductEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * Measures the outbox relay on this machine; prints figures, asserts nothing about speed. Not part of the default
 * test phase (its name does not end in Test). Run:
 * <pre>
 * CATALOG_TEST_POSTGRES_URL=jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres \
 *   ./mvnw -B -o -q -pl catalog-producer verify -Dtest=RelayBenchmark
 * cat catalog-producer/target/relay-benchmark.txt
 * </pre>
 * <ul>
 *   <li>throughput: {@code BACKLOG} changes are committed with the relay stopped, then one relay drains them;
 *       events/s = rows / time to an empty backlog (every row acknowledged by Kafka and marked sent).</li>
 *   <li>latency: one writer commits changes at {@code RATE}/s with the relay running (woken after each commit);
 *       latency = the broker's LogAppendTime of the record - the change's commit time ({@code occurredAt}).</li>
 * </ul>
 * Kafka and the registry run in the same JVM (devstack), sharing the machine's cores with the relay.
 */
class RelayBenchmark {
    private static final int BACKLOG = Integer.getInteger("bench.backlog", 20_000);
    private static final int RATE = Integer.getInteger("bench.rate", 200);
    private static final int LATENCY_EVENTS = Integer.getInteger("bench.latencyEvents", 2_000);

    private final KafkaBroker kafka = DevStack.kafka();
    private final SchemaRegistry registry = DevStack.schemaRegistry();
    private final StringBuilder report = new StringBuilder();

    @Test
    void measure() throws Exception {
        line("outbox relay benchmark, " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version") + ", Kafka + registry in the same JVM");
        run("h2");
        if (System.getenv(TestDatabase.POSTGRES_URL_VARIABLE) != null) {
            run("postgresql");
        } else {
            line("postgresql: skipped, set " + TestDatabase.POSTGRES_URL_VARIABLE);
        }
        Path out = Path.of("target", "relay-benchmark.txt");
        Files.writeString(out, report);
        System.out.println(report);
    }

    private void run(String kind) throws IOException, InterruptedException {
        try (TestDatabase db = TestDatabase.of(kind)) {
            String topic = newTopic();
            ProductStore quietStore = store(db, null);
            long writeStart = System.nanoTime();
            for (int i = 0; i < BACKLOG; i++) {
                quietStore.put("p" + (i % 1000), draft(i), WriteCondition.always(), null);
            }
            double writeSeconds = seconds(System.nanoTime() - writeStart);

            OutboxRelay relay = relay(db, topic);
            long drainStart = System.nanoTime();
            relay.start();
            while (relay.stats().backlog() > 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            double drainSeconds = seconds(System.nanoTime() - drainStart);
            line(String.format("%-10s throughput: %d rows drained in %.2f s = %.0f events/s (the %d commits took %.2f s = %.0f/s, one writer)",
                    kind, BACKLOG, drainSeconds, BACKLOG / drainSeconds, BACKLOG, writeSeconds, BACKLOG / writeSeconds));
            relay.close();

            String latencyTopic = newTopic();
            OutboxRelay live = relay(db, latencyTopic).start();
            ProductStore store = store(db, live);
            long intervalNanos = TimeUnit.SECONDS.toNanos(1) / RATE;
            long next = System.nanoTime();
            for (int i = 0; i < LATENCY_EVENTS; i++) {
                LockSupport.parkNanos(next - System.nanoTime());
                next += intervalNanos;
                store.put("q" + (i % 100), draft(i), WriteCondition.always(), null);
            }
            while (live.stats().backlog() > 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            live.close();
            List<Long> latencies = new ArrayList<>();
            for (ConsumerRecord<String, ProductEvent> r : TopicReader.readAll(kafka.bootstrapServers(), registry.url(), latencyTopic)) {
                if (r.timestampType() != TimestampType.LOG_APPEND_TIME) {
                    throw new IllegalStateException("topic is not LogAppendTime");
                }
                latencies.add(r.timestamp() - r.value().getOccurredAt().toEpochMilli());
            }
            Collections.sort(latencies);
            line(String.format("%-10s commit-to-Kafka latency at %d changes/s over %d events: p50 %d ms, p99 %d ms, max %d ms",
                    kind, RATE, latencies.size(), pct(latencies, 50), pct(latencies, 99), latencies.get(latencies.size() - 1)));
        }
    }

    private String newTopic() {
        String topic = "bench.product-events-" + UUID.randomUUID();
        try (var admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1)
                    .configs(Map.of("message.timestamp.type", "LogAppendTime")))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return topic;
    }

    private OutboxRelay relay(TestDatabase db, String topic) {
        return OutboxRelay.builder(db.dataSource(), ProductEventProducer.to(kafka.bootstrapServers(), registry.url()))
                .topic(topic).batchSize(500).pollInterval(Duration.ofMillis(100)).build();
    }

    private static ProductStore store(TestDatabase db, OutboxRelay wake) {
        return ProductStore.builder(db.dataSource()).changeSink(new OutboxWriter())
                .afterCommit(wake == null ? () -> { } : wake::wakeUp).build();
    }

    private static ProductDraft draft(int i) {
        return ProductDraft.builder().name("Bench " + i).priceCents(i).categorySlug("c" + (i % 20)).brandSlug("b" + (i % 7)).build();
    }

    private static long pct(List<Long> sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private void line(String text) {
        report.append(text).append('\n');
    }
}
