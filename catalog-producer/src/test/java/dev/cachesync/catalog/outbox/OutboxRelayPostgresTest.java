package dev.cachesync.catalog.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachesync.catalog.product.ProductStore;
import dev.cachesync.catalog.product.WriteCondition;
import dev.cachesync.catalog.publish.ProductEventProducerSettings;
import dev.cachesync.catalog.testing.TestDatabase;
import dev.cachesync.catalog.testing.TopicReader;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Needs CATALOG_TEST_POSTGRES_URL; skipped with instructions otherwise. */
class OutboxRelayPostgresTest extends OutboxRelayContract {
    @Override
    TestDatabase openDatabase() {
        return TestDatabase.postgres();
    }

    /**
     * A commit made through another connection pool (another catalog process: nothing calls this relay's
     * {@code wakeUp()}) reaches Kafka long before the relay's next poll, because its NOTIFY wakes the relay.
     */
    @Test
    void aCommitInAnotherProcessWakesTheRelayThroughNotify() {
        OutboxRelay relay = OutboxRelay.builder(db.dataSource(),
                        ProductEventProducerSettings.to(kafka.bootstrapServers(), registry.url()))
                .topic(topic).pollInterval(Duration.ofHours(1)).build();
        relays.add(relay);
        relay.start();
        await().atMost(Duration.ofSeconds(10)).until(relay::isListening);
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
}
