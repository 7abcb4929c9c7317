package dev.cachesync.invalidator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.cachesync.devstack.DevStack;
import dev.cachesync.devstack.KafkaBroker;
import dev.cachesync.devstack.Promtool;
import dev.cachesync.devstack.RedisServer;
import dev.cachesync.devstack.SchemaRegistry;
import dev.cachesync.events.InvalidationApplied;
import dev.cachesync.events.InvalidationHops;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.invalidator.runtime.InvalidatorApp;
import dev.cachesync.invalidator.runtime.InvalidatorConfig;
import dev.cachesync.schemas.HopHeaders;
import dev.cachesync.schemas.Topics;
import dev.cachesync.schemas.serde.AvroSerdes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Per-hop lag on a real broker, registry and Redis: an event sent as the outbox relay sends it (with its send-time
 * header, to a LogAppendTime topic) comes back in its InvalidationApplied with every hop's timestamp, in order,
 * and every hop is counted in the hop histogram.
 */
class InvalidationHopsTest {
    private final KafkaBroker kafka = DevStack.kafka();
    private final SchemaRegistry registry = DevStack.schemaRegistry();
    private final RedisServer redis = DevStack.redis();
    private InvalidatorApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void anInvalidationAppliedCarriesEveryHopOfItsEventAndTheHistogramsCountThem() throws Exception {
        productEventsKeepTheAppendTime();
        app = startInvalidator();
        String product = "hops-" + UUID.randomUUID();
        ProductEvent event = InvalidatorTopologyTest.event(product, 1, null,
                InvalidatorTopologyTest.product(product, "shoes", null), List.of("product:" + product));
        long sentAt = HopHeaders.micros(Instant.now());
        RecordMetadata appended = publish(event, sentAt);

        InvalidationApplied applied = awaitApplied(event.getEventId());

        InvalidationHops hops = applied.getHops().stream().filter(h -> h.getSourceId().equals(event.getEventId()))
                .findFirst().orElseThrow();
        assertThat(hops.getCommittedAtMicros()).isEqualTo(HopHeaders.micros(event.getOccurredAt()));
        assertThat(hops.getRelaySentAtMicros()).isEqualTo(sentAt);
        assertThat(hops.getKafkaAppendedAtMicros()).as("the broker's LogAppendTime of the record")
                .isEqualTo(appended.timestamp() * 1_000);
        // Each hop after the one before; the append time has whole milliseconds, so it may read up to 1 ms early.
        assertThat(hops.getKafkaAppendedAtMicros()).isGreaterThanOrEqualTo(sentAt - 1_000);
        assertThat(hops.getReceivedAtMicros()).isGreaterThanOrEqualTo(hops.getKafkaAppendedAtMicros());
        assertThat(applied.getPurgeAcknowledgedAtMicros()).isGreaterThanOrEqualTo(hops.getReceivedAtMicros());
        assertThat(applied.getPurgeAcknowledgedAtMicros() / 1_000).isLessThanOrEqualTo(applied.getAppliedAt().toEpochMilli());

        // A new application id reads the shared topic from the start: other tests' events count too.
        String metrics = scrape();
        for (String hop : List.of("commit-to-relay", "relay-to-kafka", "kafka-to-invalidator", "invalidator-to-purged")) {
            assertThat(count(metrics, hop)).as(hop).isGreaterThanOrEqualTo(1);
            assertThat(metrics).contains("cachesync_invalidator_hop_seconds_bucket{hop=\"" + hop + "\",le=\"");
        }
        assertThat(Promtool.checkMetrics(metrics)).as("promtool check metrics").isEmpty();
    }

    @Test
    void anEventWithoutTheRelaysHeaderHasNoRelayHopAndTheOthersStillCount() throws Exception {
        productEventsKeepTheAppendTime();
        app = startInvalidator();
        String product = "hops-" + UUID.randomUUID();
        ProductEvent event = InvalidatorTopologyTest.event(product, 1, null,
                InvalidatorTopologyTest.product(product, "shoes", null), List.of("product:" + product));
        publish(event, null);

        InvalidationApplied applied = awaitApplied(event.getEventId());

        InvalidationHops hops = applied.getHops().get(0);
        assertThat(hops.getRelaySentAtMicros()).isNull();
        assertThat(hops.getKafkaAppendedAtMicros()).isNotNull();
        assertThat(hops.getReceivedAtMicros()).isGreaterThanOrEqualTo(hops.getKafkaAppendedAtMicros());
        String metrics = scrape();
        assertThat(count(metrics, "kafka-to-invalidator")).isGreaterThan(count(metrics, "relay-to-kafka"));
    }

    private static long count(String metrics, String hop) {
        var m = java.util.regex.Pattern.compile("cachesync_invalidator_hop_seconds_count\\{hop=\"" + hop
                + "\"} ([0-9.eE+]+)").matcher(metrics);
        assertThat(m.find()).as("hop %s exported", hop).isTrue();
        return (long) Double.parseDouble(m.group(1));
    }

    /** As the invalidator (and deploy/compose/kafka-init.sh) create it; the shared broker may hold it already. */
    private void productEventsKeepTheAppendTime() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            try {
                admin.createTopics(List.of(new NewTopic(Topics.PRODUCT_EVENTS, 3, (short) 1)
                        .configs(Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"))))
                        .all().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.PRODUCT_EVENTS);
            admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> "LogAppendTime".equals(admin.describeConfigs(List.of(topic))
                    .all().get(30, TimeUnit.SECONDS).get(topic).get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value()));
        }
    }

    private InvalidatorApp startInvalidator() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", registry.url(),
                "REDIS_HOST", redis.host(),
                "REDIS_PORT", String.valueOf(redis.port()),
                "REDIS_KEY_PREFIX", "hops-" + UUID.randomUUID() + ":",
                "INVALIDATOR_APPLICATION_ID", "hops-" + UUID.randomUUID(),
                "INVALIDATOR_HTTP_PORT", "0",
                "INVALIDATOR_STATE_DIR", Files.createTempDirectory("hops-invalidator").toString()));
        InvalidatorApp started = InvalidatorApp.start(InvalidatorConfig.fromEnv(env));
        await().atMost(Duration.ofSeconds(60)).until(() -> started.state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING);
        return started;
    }

    /** Sends {@code event} as the outbox relay does: with its send time in the header (unless null). */
    private RecordMetadata publish(ProductEvent event, Long sentAtMicros) throws Exception {
        try (KafkaProducer<String, ProductEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), AvroSerdes.serde(ProductEvent.class, registry.url()).serializer())) {
            RecordHeaders headers = new RecordHeaders();
            if (sentAtMicros != null) {
                headers.add(HopHeaders.RELAY_SENT_AT_MICROS, Long.toString(sentAtMicros).getBytes());
            }
            return producer.send(new ProducerRecord<>(Topics.PRODUCT_EVENTS, null, event.getProductId(), event, headers))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private InvalidationApplied awaitApplied(String eventId) {
        try (KafkaConsumer<String, InvalidationApplied> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "hops-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), AvroSerdes.serde(InvalidationApplied.class, registry.url()).deserializer())) {
            consumer.subscribe(List.of(Topics.INVALIDATIONS_APPLIED));
            InvalidationApplied[] found = new InvalidationApplied[1];
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, InvalidationApplied> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value().getSourceEventIds().contains(eventId)) {
                        found[0] = record.value();
                    }
                }
                return found[0] != null;
            });
            return found[0];
        }
    }

    private String scrape() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + app.httpPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
