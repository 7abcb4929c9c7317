package dev.cachesync.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The roles of a larger cluster's nodes (pure configuration; KafkaClusterTest runs a real three-node one). */
class KafkaClusterNodesTest {
    private static final String VOTERS = "1@127.0.0.1:9001,2@127.0.0.1:9002,3@127.0.0.1:9003";

    @Test
    void theFirstThreeNodesAreTheQuorumAndTheOthersBrokersOnly() {
        Map<String, String> controller = KafkaCluster.config(new KafkaCluster.NodeProcess(3, 9103, 9003,
                Path.of("/tmp/n3")), VOTERS);
        Map<String, String> broker = KafkaCluster.config(new KafkaCluster.NodeProcess(4, 9104, 9004,
                Path.of("/tmp/n4")), VOTERS);
        assertThat(controller.get("process.roles")).isEqualTo("broker,controller");
        assertThat(controller.get("listeners")).contains("CONTROLLER://127.0.0.1:9003");
        assertThat(broker.get("process.roles")).isEqualTo("broker");
        assertThat(broker.get("listeners")).isEqualTo("PLAINTEXT://127.0.0.1:9104");
        assertThat(broker.get("controller.quorum.voters")).isEqualTo(VOTERS);
        assertThat(broker.get("default.replication.factor")).isEqualTo("3");
        assertThat(broker.get("min.insync.replicas")).isEqualTo("2");
    }

    @Test
    void aClusterHasThreeToNineNodes() {
        assertThatThrownBy(() -> KafkaCluster.start(2)).hasMessageContaining("3 to 9 nodes, not 2");
        assertThatThrownBy(() -> KafkaCluster.start(10)).hasMessageContaining("not 10");
    }
}
