package dev.cachesync.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachesync.demo.orders.CachesyncOrderService;
import dev.cachesync.demo.stack.DemoStack;
import dev.cachesync.invalidator.runtime.InvalidatorApp;
import dev.cachesync.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * {@code ./demo.sh --redis-cluster --brokers 3 --invalidators 2 --skip-comparison}, on the JVM's shared devstack
 * Redis Cluster and Kafka cluster: the guide's scenarios keep their promises ({@link ScenarioChecks}) on the
 * scaled-out stack, and the stack is the one asked for (a segmented cache, topics with 6 partitions and 3
 * replicas, two invalidator instances that both applied events). The timed comparison is not run here.
 */
class ScaledOutDemoScenariosTest extends ScenarioChecks {

    @Override
    DemoRun demo(Path out) throws Exception {
        String[] args = {"--redis-cluster", "--brokers", "3", "--invalidators", "2", "--skip-comparison",
                "--products", "40", "--origin-latency", "5", "--out", out.toString()};
        return new DemoRun(DemoOptions.parse(args), DemoStack.Infrastructure.SHARED,
                "demo-scaled-" + UUID.randomUUID().toString().substring(0, 8) + ":", "ScaledOutDemoScenariosTest",
                System.out);
    }

    @Test
    void theCacheIsSegmentedOverTheRedisCluster() {
        DemoStack stack = run.stack();
        assertThat(stack.redis()).as("no standalone Redis").isNull();
        assertThat(stack.redisCluster().primaries()).hasSize(3);
        assertThat(stack.redisSettings().cluster()).isTrue();
        List<CachesyncOrderService> instances = run.orderServices();
        assertThat(instances).hasSize(DemoOptions.SCENARIO_INSTANCES).allSatisfy(instance -> {
            assertThat(instance.client().store().segments().clustered()).isTrue();
            assertThat(instance.client().store().segments().count()).isEqualTo(12);
        });
    }

    @Test
    void theTopicsHaveSixPartitionsOnThreeBrokersWithTwoInSync() throws Exception {
        DemoStack stack = run.stack();
        assertThat(stack.kafka()).as("no single broker").isNull();
        TopicDescription events = stack.kafkaCluster().awaitTopic(Topics.PRODUCT_EVENTS);
        assertThat(events.partitions()).hasSize(6).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
        assertThat(stack.kafkaCluster().awaitTopic(Topics.INVALIDATIONS_APPLIED).partitions()).hasSize(6);
        try (Admin admin = stack.kafkaCluster().admin()) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.PRODUCT_EVENTS);
            assertThat(admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic)
                    .get("min.insync.replicas").value()).isEqualTo("2");
        }
    }

    @Test
    void twoInvalidatorInstancesShareThePartitionsAndBothApplyEvents() {
        List<InvalidatorApp> invalidators = run.stack().invalidators();
        assertThat(invalidators).hasSize(2).allSatisfy(app -> {
            assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
            double taken = app.meters().find("cachesync.invalidator.events").tag("input", "product-event")
                    .counters().stream().mapToDouble(Counter::count).sum();
            assertThat(taken).as("product events taken by the instance on port %d", app.httpPort()).isPositive();
        });
    }

    @Test
    void theComparisonIsSkipped() {
        assertThat(results.comparison()).isNull();
    }
}
