package dev.cachesync.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachesync.demo.stack.Topology;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

    @Test
    void noArgumentsGiveTheDefaults() {
        assertThat(DemoOptions.parse()).isEqualTo(DemoOptions.defaults());
        assertThat(DemoOptions.defaults().reads()).isEqualTo(3000);
    }

    @Test
    void readsBothOptionStyles() {
        DemoOptions o = DemoOptions.parse("--orders", "3000", "--instances=10", "--origin-latency", "50",
                "--keep-running", "--out", "/tmp/x", "--zipf=1.2");
        assertThat(o.orders()).isEqualTo(3000);
        assertThat(o.instances()).isEqualTo(10);
        assertThat(o.originLatency()).isEqualTo(Duration.ofMillis(50));
        assertThat(o.keepRunning()).isTrue();
        assertThat(o.outputDir()).isEqualTo(Path.of("/tmp/x"));
        assertThat(o.zipfExponent()).isEqualTo(1.2);
        assertThat(o.productsPerOrder()).isEqualTo(DemoOptions.defaults().productsPerOrder());
    }

    @Test
    void theSharedCacheLifetimeIsLongByDefaultAndAnOption() {
        assertThat(DemoOptions.defaults().sMaxAgeSeconds()).isEqualTo(86_400);
        assertThat(DemoOptions.defaults().maxAgeSeconds()).isEqualTo(5);
        assertThat(DemoOptions.parse("--s-maxage", "5").sMaxAgeSeconds()).isEqualTo(5);
        assertThatThrownBy(() -> DemoOptions.parse("--s-maxage", "0")).hasMessageContaining("--s-maxage");
    }

    @Test
    void helpIsNotARun() {
        assertThat(DemoOptions.parse("--help")).isNull();
    }

    @Test
    void badInputNamesTheOption() {
        assertThatThrownBy(() -> DemoOptions.parse("--orders", "many"))
                .isInstanceOf(DemoOptions.BadOption.class).hasMessageContaining("--orders").hasMessageContaining("many");
        assertThatThrownBy(() -> DemoOptions.parse("--instances", "0"))
                .hasMessageContaining("--instances must be a whole number from 1");
        assertThatThrownBy(() -> DemoOptions.parse("--ordrs", "5")).hasMessageContaining("unknown option --ordrs");
        assertThatThrownBy(() -> DemoOptions.parse("--duration")).hasMessageContaining("--duration needs a value");
        assertThatThrownBy(() -> DemoOptions.parse("--keep-running=yes")).hasMessageContaining("--keep-running takes no value");
        assertThatThrownBy(() -> DemoOptions.parse("orders")).hasMessageContaining("unexpected argument 'orders'");
    }

    @Test
    void theScenariosNeedTenProducts() {
        assertThatThrownBy(() -> DemoOptions.parse("--products", "3")).hasMessageContaining("--products");
    }

    @Test
    void theStandardStackIsTheDefault() {
        assertThat(DemoOptions.defaults().topology()).isEqualTo(new Topology(false, 1, 3, 1));
        assertThat(DemoOptions.parse("--orders", "10").topology()).isEqualTo(Topology.STANDARD);
        assertThat(Topology.STANDARD.kafkaCluster()).isFalse();
        assertThat(Topology.STANDARD.describe()).isEqualTo(
                "standalone Redis; 1 Kafka broker, 3 partitions per topic; 1 invalidator instance sharing them");
    }

    @Test
    void readsTheScaledOutStack() {
        Topology t = DemoOptions.parse("--redis-cluster", "--brokers", "3", "--invalidators=2").topology();
        assertThat(t).isEqualTo(new Topology(true, 3, 6, 2));
        assertThat(t.kafkaCluster()).isTrue();
        assertThat(t.replicationFactor()).isEqualTo(3);
        assertThat(t.describe()).isEqualTo("Redis Cluster (3 primaries + 3 replicas, 12 segments); 3 Kafka brokers"
                + " (replication factor 3, min.insync.replicas 2), 6 partitions per topic; 2 invalidator instances"
                + " sharing them");
        assertThat(DemoOptions.parse("--brokers", "5", "--partitions", "12", "--invalidators", "4").topology())
                .isEqualTo(new Topology(false, 5, 12, 4));
        assertThat(DemoOptions.parse("--partitions", "8").topology().partitions()).isEqualTo(8);
    }

    @Test
    void aBadTopologyNamesTheOption() {
        assertThatThrownBy(() -> DemoOptions.parse("--brokers", "2")).isInstanceOf(DemoOptions.BadOption.class)
                .hasMessageContaining("--brokers must be 1, or 3 to 9").hasMessageContaining("'2'");
        assertThatThrownBy(() -> DemoOptions.parse("--brokers", "0")).hasMessageContaining("--brokers");
        assertThatThrownBy(() -> DemoOptions.parse("--brokers", "10")).hasMessageContaining("--brokers");
        assertThatThrownBy(() -> DemoOptions.parse("--invalidators", "0")).hasMessageContaining("--invalidators");
        assertThatThrownBy(() -> DemoOptions.parse("--partitions", "0")).hasMessageContaining("--partitions");
        assertThatThrownBy(() -> DemoOptions.parse("--invalidators", "4"))
                .hasMessageContaining("--invalidators (4) must not exceed --partitions (3)");
        assertThatThrownBy(() -> DemoOptions.parse("--redis-cluster=yes")).hasMessageContaining("--redis-cluster takes no value");
    }

    @Test
    void theHelpListsTheTopologyOptions() {
        assertThat(DemoOptions.USAGE).contains("--redis-cluster", "--brokers N", "--partitions N", "--invalidators N");
    }
}
