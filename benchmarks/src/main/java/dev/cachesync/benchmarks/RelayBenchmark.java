package dev.cachesync.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.zaxxer.hikari.HikariDataSource;
import dev.cachesync.catalog.app.Database;
import dev.cachesync.catalog.outbox.OutboxRelay;
import dev.cachesync.catalog.outbox.OutboxWriter;
import dev.cachesync.catalog.product.ProductDraft;
import dev.cachesync.catalog.product.ProductStore;
import dev.cachesync.catalog.product.WriteCondition;
import dev.cachesync.catalog.publish.ProductEventProducerSettings;
import dev.cachesync.devstack.KafkaBroker;
import dev.cachesync.devstack.SchemaRegistry;
import dev.cachesync.devstack.TopicContents;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.schemas.serde.AvroSerdes;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The catalog's outbox relay, measured on H2 and (when reachable) PostgreSQL:
 * <ul>
 *   <li>throughput: {@code BACKLOG} changes are committed with the relay stopped, then one relay drains them;
 *       events/s = rows / time to an empty backlog (every row acknowledged by Kafka and marked sent);</li>
 *   <li>latency: one writer commits changes at {@code RATE}/s with the relay running (woken after each commit);
 *       latency = the broker's LogAppendTime of the record minus the change's commit time ({@code occurredAt}).</li>
 * </ul>
 * PostgreSQL: {@code CATALOG_TEST_POSTGRES_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres});
 * a fresh database is created and dropped.
 */
final class RelayBenchmark {
    static final int BACKLOG = 20_000;
    static final int RATE = 200;
    static final int LATENCY_EVENTS = 2_000;
    private static final String POSTGRES = System.getenv().getOrDefault("CATALOG_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

    private KafkaBroker kafka;
    private SchemaRegistry registry;

    String run() throws Exception {
        StringBuilder rows = new StringBuilder();
        try (KafkaBroker broker = KafkaBroker.start(); SchemaRegistry schemas = SchemaRegistry.start()) {
            this.kafka = broker;
            this.registry = schemas;
            rows.append(measure("H2 (in-memory, PostgreSQL mode)", h2()));
            try {
                rows.append(measure("PostgreSQL " + postgresVersion(), postgres()));
            } catch (IllegalStateException e) {
                rows.append("| PostgreSQL | not reachable at ").append(POSTGRES).append(": ").append(e.getMessage())
                        .append(" | | | |\n");
            }
        }
        return rows.toString();
    }

    private String measure(String name, BenchDatabase db) throws Exception {
        try (db) {
            String topic = newTopic();
            ProductStore quietStore = store(db.dataSource, null);
            for (int i = 0; i < BACKLOG; i++) {
                quietStore.put("p" + (i % 1000), draft(i), WriteCondition.always(), null);
            }
            OutboxRelay relay = relay(db.dataSource, topic);
            long drainStart = System.nanoTime();
            relay.start();
            while (relay.stats().backlog() > 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // sampling interval of the measurement
            }
            double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
            relay.close();

            String latencyTopic = newTopic();
            OutboxRelay live = relay(db.dataSource, latencyTopic).start();
            ProductStore store = store(db.dataSource, live);
            long intervalNanos = TimeUnit.SECONDS.toNanos(1) / RATE;
            long next = System.nanoTime();
            for (int i = 0; i < LATENCY_EVENTS; i++) {
                LockSupport.parkNanos(next - System.nanoTime()); // the writer's pace, not synchronisation
                next += intervalNanos;
                store.put("q" + (i % 100), draft(i), WriteCondition.always(), null);
            }
            while (live.stats().backlog() > 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            live.close();
            List<Long> latencies = new ArrayList<>();
            for (ConsumerRecord<String, ProductEvent> r : readAll(latencyTopic)) {
                if (r.timestampType() != TimestampType.LOG_APPEND_TIME) {
                    throw new IllegalStateException("topic is not LogAppendTime");
                }
                latencies.add(r.timestamp() - r.value().getOccurredAt().toEpochMilli());
            }
            Collections.sort(latencies);
            return String.format("| %s | %,.0f events/s (%,d rows in %.2f s) | %d ms | %d ms | %d ms |%n", name,
                    BACKLOG / drainSeconds, BACKLOG, drainSeconds, percentile(latencies, 50), percentile(latencies, 99),
                    latencies.get(latencies.size() - 1));
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

    private OutboxRelay relay(HikariDataSource dataSource, String topic) {
        return OutboxRelay.builder(dataSource, ProductEventProducerSettings.to(kafka.bootstrapServers(), registry.url()))
                .topic(topic).batchSize(500).pollInterval(Duration.ofMillis(100)).build();
    }

    private static ProductStore store(HikariDataSource dataSource, OutboxRelay wake) {
        return ProductStore.builder(dataSource).changeSink(new OutboxWriter())
                .afterCommit(wake == null ? () -> { } : wake::wakeUp).build();
    }

    private static ProductDraft draft(int i) {
        return ProductDraft.builder().name("Bench " + i).priceCents(i).categorySlug("c" + (i % 20))
                .brandSlug("b" + (i % 7)).build();
    }

    private List<ConsumerRecord<String, ProductEvent>> readAll(String topic) {
        return TopicContents.readAll(kafka.bootstrapServers(), topic, new StringDeserializer(),
                AvroSerdes.serde(ProductEvent.class, registry.url()).deserializer());
    }

    private static long percentile(List<Long> sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }

    /** A fresh, migrated catalog database, dropped on close. */
    private record BenchDatabase(HikariDataSource dataSource, Runnable drop) implements AutoCloseable {
        @Override
        public void close() {
            dataSource.close();
            drop.run();
        }
    }

    private static BenchDatabase h2() {
        return new BenchDatabase(Database.open(Database.DEFAULT_H2_URL.replace("mem:catalog",
                "mem:bench_" + UUID.randomUUID().toString().replace("-", "")), null, null, 8), () -> { });
    }

    private static BenchDatabase postgres() {
        String name = "catalog_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        execute(POSTGRES, "CREATE DATABASE " + name);
        int query = POSTGRES.indexOf('?');
        String base = query < 0 ? POSTGRES : POSTGRES.substring(0, query);
        String url = base.substring(0, base.lastIndexOf('/') + 1) + name + (query < 0 ? "" : POSTGRES.substring(query));
        return new BenchDatabase(Database.open(url, null, null, 8),
                () -> execute(POSTGRES, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
    }

    private static String postgresVersion() {
        try (Connection c = DriverManager.getConnection(POSTGRES)) {
            return c.getMetaData().getDatabaseProductVersion();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static void execute(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run '" + sql + "': " + e.getMessage(), e);
        }
    }

    static String toMarkdown(String rows) {
        return "Throughput: " + BACKLOG + " changes committed with the relay stopped, then one relay drains them "
                + "(every row acknowledged by Kafka, acks=all, idempotent, and marked sent). Latency: one writer "
                + "commits " + RATE + " changes/s for " + LATENCY_EVENTS + " changes with the relay running; latency = "
                + "the broker's LogAppendTime minus the change's commit time. Kafka and the registry run in the same "
                + "JVM (devstack), sharing the two cores with the relay and the database.\n\n"
                + "| store | throughput | commit-to-Kafka p50 | p99 | max |\n|---|---|---|---|---|\n" + rows;
    }
}
