package dev.cachesync.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DevStackExtension.class)
class DevStackTest {

    @Test
    void sharedPartsAreStartedOncePerJvm(RedisServer first) {
        assertThat(DevStack.redis()).isSameAs(first);
        assertThat(Probes.redisAnswers(first.host(), first.port())).isTrue();
        assertThat(first.kind()).contains("redis-server");
    }

    @Test
    void redisComesBackOnTheSamePortAfterAnOutage() {
        try (RedisServer redis = RedisServer.start()) {
            int port = redis.port();
            redis.stop();
            assertThat(Probes.redisAnswers(redis.host(), port)).isFalse();
            redis.restart();
            assertThat(redis.port()).isEqualTo(port);
            assertThat(Probes.redisAnswers(redis.host(), port)).isTrue();
        }
    }

    @Test
    void kafkaBrokerKeepsRecordsAcrossARestart() throws Exception {
        try (KafkaBroker kafka = KafkaBroker.start()) {
            String topic = "devstack-restart-" + UUID.randomUUID();
            kafka.createTopic(topic, 1);
            produce(kafka, topic, "before-outage");
            kafka.stop();
            assertThat(kafka.isRunning()).isFalse();
            kafka.restart();
            produce(kafka, topic, "after-outage");
            assertThat(TopicContents.readAll(kafka.bootstrapServers(), topic, new StringDeserializer(),
                    new StringDeserializer())).extracting(ConsumerRecord::value)
                    .containsExactly("before-outage", "after-outage");
        }
    }

    @Test
    void schemaRegistryAnswersTheConfluentApiWithBackwardCompatibility(SchemaRegistry registry) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> config = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/config")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(config.statusCode()).isEqualTo(200);
        assertThat(config.body()).contains("BACKWARD");
    }

    @Test
    void aFailedPartSaysWhichPartWhyAndItsLog() {
        DevStackException e = new DevStackException("redis", "exited on port 1234", "FATAL bad config line");
        assertThat(e.getMessage()).contains("redis").contains("exited on port 1234").contains("FATAL bad config line");
        assertThat(e.part()).isEqualTo("redis");
    }

    @Test
    void aMissingRegistryBundleIsAClearError() {
        String previous = System.getProperty("cachesync.apicurio.bundle");
        System.setProperty("cachesync.apicurio.bundle", "/nonexistent/apicurio.tar.gz");
        try {
            assertThatThrownBy(SchemaRegistry::bundleArchiveForTest)
                    .isInstanceOf(DevStackException.class)
                    .hasMessageContaining("schema-registry")
                    .hasMessageContaining("/nonexistent/apicurio.tar.gz");
        } finally {
            if (previous == null) {
                System.clearProperty("cachesync.apicurio.bundle");
            } else {
                System.setProperty("cachesync.apicurio.bundle", previous);
            }
        }
    }

    private static void produce(KafkaBroker kafka, String topic, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get(30, TimeUnit.SECONDS);
        }
    }
}
