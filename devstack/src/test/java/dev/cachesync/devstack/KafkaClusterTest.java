package dev.cachesync.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaClusterTest {
    private static KafkaCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = KafkaCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void topicsHaveThreeReplicasAndTwoMustBeInSync() throws Exception {
        String created = "cluster-created-" + UUID.randomUUID();
        String defaulted = "cluster-defaulted-" + UUID.randomUUID();
        cluster.createTopic(created, 4);
        try (Admin admin = cluster.admin()) {
            // A topic created without a replication factor gets the cluster's defaults, as Streams' and the
            // invalidator's topics are (replication factor -1).
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(defaulted,
                    java.util.Optional.empty(), java.util.Optional.empty()))).all().get(30, TimeUnit.SECONDS);
            Map<String, TopicDescription> topics = Map.of(created, cluster.awaitTopic(created),
                    defaulted, cluster.awaitTopic(defaulted));
            assertThat(topics.get(created).partitions()).hasSize(4)
                    .allSatisfy(p -> assertThat(p.replicas()).hasSize(3))
                    .allSatisfy(p -> assertThat(p.isr()).hasSize(3));
            assertThat(topics.get(defaulted).partitions()).hasSize(3)
                    .allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
            for (String topic : List.of(created, defaulted)) {
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
                assertThat(config.get("min.insync.replicas").value()).as(topic).isEqualTo("2");
                assertThat(config.get("unclean.leader.election.enable").value()).as(topic).isEqualTo("false");
            }
        }
        assertThat(cluster.nodeIds()).containsExactly(1, 2, 3);
        assertThat(cluster.bootstrapServers().split(",")).hasSize(3);
    }

    @Test
    void acknowledgedWritesSurviveTheKillOfTheirLeaderAndWritesGoOn() throws Exception {
        String topic = "cluster-kill-" + UUID.randomUUID();
        cluster.createTopic(topic, 1);
        int leader = cluster.leaderOf(topic, 0);
        List<String> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer()) {
            sendAll(producer, topic, sent, "before", 50);
            cluster.kill(leader);
            assertThat(cluster.isRunning(leader)).isFalse();
            // Two of three replicas remain in sync: acks=all writes are still accepted, by a new leader.
            sendAll(producer, topic, sent, "during", 50);
            assertThat(cluster.leaderOf(topic, 0)).isNotEqualTo(leader);
            assertThat(TopicContents.readAll(cluster.bootstrapServers(), topic, new StringDeserializer(),
                    new StringDeserializer())).extracting(ConsumerRecord::value).containsExactlyElementsOf(sent);

            cluster.restart(leader);
            assertThat(cluster.isRunning(leader)).isTrue();
            sendAll(producer, topic, sent, "after", 50);
        }
        assertThat(TopicContents.readAll(cluster.bootstrapServers(), topic, new StringDeserializer(),
                new StringDeserializer())).extracting(ConsumerRecord::value).containsExactlyElementsOf(sent);
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000),
                new StringSerializer(), new StringSerializer());
    }

    private static void sendAll(KafkaProducer<String, String> producer, String topic, List<String> sent, String phase,
            int count) throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String value = phase + "-" + i;
            acks.add(producer.send(new ProducerRecord<>(topic, "k", value)));
            sent.add(value);
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get(90, TimeUnit.SECONDS);
        }
    }
}
