package dev.cachesync.catalog.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachesync.catalog.product.ProductStore;
import dev.cachesync.catalog.product.WriteCondition;
import dev.cachesync.catalog.publish.ProductEventProducerSettings;
import dev.cachesync.catalog.testing.TestDatabase;
import dev.cachesync.catalog.testing.TopicReader;
import dev.cachesync.events.ProductEvent;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Needs CATALOG_TEST_POSTGRES_URL; skipped with instructions otherwise. */
class OutboxRelayPostgresTest extends OutboxRelayContract {
    @Override
    TestDatabase openDatabase() {
        return TestDatabase.postgres();
    }

    /** A started relay on this test's topic that listens for commits, its next poll an hour away. */
    private OutboxRelay startListeningRelay() {
        OutboxRelay relay = OutboxRelay.builder(db.dataSource(),
                        ProductEventProducerSettings.to(kafka.bootstrapServers(), registry.url()))
                .topic(topic).pollInterval(Duration.ofHours(1)).build();
        relays.add(relay);
        relay.start();
        await().atMost(Duration.ofSeconds(10)).until(relay::isListening);
        return relay;
    }

    /**
     * A commit made through another connection pool (another catalog process: nothing calls this relay's
     * {@code wakeUp()}) reaches Kafka long before the relay's next poll, because its NOTIFY wakes the relay.
     */
    @Test
    void aCommitInAnotherProcessWakesTheRelayThroughNotify() {
        OutboxRelay relay = startListeningRelay();
        ProductStore otherProcess = ProductStore.builder(db.anotherPool()).changeSink(new OutboxWriter())
                .source("other-process").build();

        // The first may still be caught by the round the relay runs when it starts listening; the second only by
        // its notification (the next poll is an hour away).
        otherProcess.put("p1", product("shoes", null, 100), WriteCondition.always(), null);
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.stats().backlog() == 0);
        otherProcess.put("p2", product("shoes", null, 200), WriteCondition.always(), null);

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.stats().backlog() == 0);
        assertThat(TopicReader.readAll(kafka.bootstrapServers(), registry.url(), topic))
                .extracting(ConsumerRecord::key).containsExactly("p1", "p2");
    }

    /** A relay that does not listen is not woken by another process: what the test above relies on. */
    @Test
    void withoutListeningACommitInAnotherProcessWaitsForThePoll() {
        OutboxRelay relay = OutboxRelay.builder(db.dataSource(),
                        ProductEventProducerSettings.to(kafka.bootstrapServers(), registry.url()))
                .topic(topic).pollInterval(Duration.ofHours(1)).listenForCommits(false).build();
        relays.add(relay);
        ProductStore otherProcess = ProductStore.builder(db.anotherPool()).changeSink(new OutboxWriter())
                .source("other-process").build();
        otherProcess.put("p0", product("shoes", null, 100), WriteCondition.always(), null);
        relay.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.stats().backlog() == 0); // its first round ran
        otherProcess.put("p1", product("shoes", null, 100), WriteCondition.always(), null);

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                .until(() -> relay.stats().backlog() == 1);
        assertThat(relay.isListening()).isFalse();
    }

    /**
     * A round takes the lock and reads the pending rows in one round trip (one statement execution, the driver
     * sends both statements before one Sync) before it hands the first record to the producer: one wake-up of the
     * database less on the path from commit to Kafka.
     */
    @Test
    void aRoundTakesTheLockAndReadsThePendingRowsInOneRoundTrip() throws Exception {
        AtomicInteger executions = new AtomicInteger();
        AtomicInteger beforeFirstSend = new AtomicInteger(-1);
        ProductEventProducerSettings settings = ProductEventProducerSettings.to(kafka.bootstrapServers(), registry.url());
        OutboxRelay relay = OutboxRelay.builder(counting(db.dataSource(), executions),
                        () -> recordingFirstSend(settings.create(), executions, beforeFirstSend))
                .topic(topic).listenForCommits(false).build();
        relays.add(relay);
        ProductStore.builder(db.dataSource()).changeSink(new OutboxWriter()).source("relay-test").build()
                .put("p1", product("shoes", null, 100), WriteCondition.always(), null);

        assertThat(relay.relayOnce()).isEqualTo(1);
        assertThat(beforeFirstSend.get()).as("statements executed before the first send").isEqualTo(1);
    }

    /** While another transaction holds the relay lock, a round publishes nothing and leaves the rows pending. */
    @Test
    void aRoundSkipsWhileAnotherRelayHoldsTheLock() throws Exception {
        OutboxRelay relay = OutboxRelay.builder(db.dataSource(),
                        ProductEventProducerSettings.to(kafka.bootstrapServers(), registry.url()))
                .topic(topic).listenForCommits(false).build();
        relays.add(relay);
        ProductStore.builder(db.dataSource()).changeSink(new OutboxWriter()).source("relay-test").build()
                .put("p1", product("shoes", null, 100), WriteCondition.always(), null);
        try (Connection other = db.anotherPool().getConnection()) {
            other.setAutoCommit(false);
            try (Statement st = other.createStatement()) {
                st.execute("SELECT name FROM outbox_relay_lock FOR UPDATE");
            }
            assertThat(relay.relayOnce()).isZero();
            assertThat(relay.stats().backlog()).isEqualTo(1);
            other.rollback();
        }
        assertThat(relay.relayOnce()).isEqualTo(1);
    }

    /**
     * A write's outbox row and its NOTIFY reach PostgreSQL in one round trip (one statement execution), and the
     * NOTIFY still wakes a listening relay at commit.
     */
    @Test
    void aWritesOutboxRowAndItsNotifyGoInOneRoundTrip() {
        OutboxRelay relay = startListeningRelay();
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.stats().backlog() == 0); // its first round ran
        AtomicInteger outboxExecutions = new AtomicInteger();
        ProductStore.builder(counting(db.anotherPool(), outboxExecutions,
                        sql -> sql.contains("outbox") || sql.contains("NOTIFY")))
                .changeSink(new OutboxWriter()).source("other-process").build()
                .put("p1", product("shoes", null, 100), WriteCondition.always(), null);

        assertThat(outboxExecutions.get()).as("executions that wrote the outbox or notified").isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.stats().backlog() == 0); // woken by the NOTIFY
    }

    /** Counts statement executions (each one round trip to PostgreSQL) on connections of {@code target}. */
    private static DataSource counting(DataSource target, AtomicInteger executions) {
        return counting(target, executions, sql -> true);
    }

    /** Counts the executions of statements whose SQL {@code counted} accepts. */
    private static DataSource counting(DataSource target, AtomicInteger executions,
                                       java.util.function.Predicate<String> counted) {
        return proxy(DataSource.class, target, (ds, method, args) -> {
            Object result = method.invoke(ds, args);
            return result instanceof Connection c ? proxy(Connection.class, c, (conn, m, a) -> {
                Object made = m.invoke(conn, a);
                if (made instanceof PreparedStatement ps) {
                    String sql = (String) a[0];
                    return proxy(PreparedStatement.class, ps, (st, sm, sa) -> {
                        if (sm.getName().startsWith("execute") && counted.test(sql)) {
                            executions.incrementAndGet();
                        }
                        return sm.invoke(st, sa);
                    });
                }
                if (made instanceof Statement plain) {
                    return proxy(Statement.class, plain, (st, sm, sa) -> {
                        if (sm.getName().startsWith("execute") && sa != null && sa.length > 0
                                && sa[0] instanceof String sql && counted.test(sql)) {
                            executions.incrementAndGet();
                        }
                        return sm.invoke(st, sa);
                    });
                }
                return made;
            }) : result;
        });
    }

    @SuppressWarnings("unchecked")
    private static Producer<String, ProductEvent> recordingFirstSend(Producer<String, ProductEvent> target,
                                                                    AtomicInteger executions, AtomicInteger atFirst) {
        return proxy(Producer.class, target, (p, method, args) -> {
            if (method.getName().equals("send")) {
                atFirst.compareAndSet(-1, executions.get());
            }
            return method.invoke(p, args);
        });
    }

    interface Handler<T> {
        Object handle(T target, java.lang.reflect.Method method, Object[] args) throws Throwable;
    }

    private static <T> T proxy(Class<T> type, T target, Handler<T> handler) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            try {
                return handler.handle(target, method, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }
}
