package dev.cachesync.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RedisClusterTest {
    private static RedisCluster cluster;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void threePrimariesServeEverySlotAndEachHasAReplica() {
        assertThat(cluster.nodes()).hasSize(6).allMatch(RedisCluster.Node::isRunning);
        assertThat(cluster.primaries()).hasSize(3);
        Set<Integer> owners = Set.of(0, 8000, 16383).stream().map(slot -> cluster.primaryForSlot(slot).port())
                .collect(Collectors.toSet());
        assertThat(owners).as("the slot space is split over the three primaries").hasSize(3);
        for (RedisCluster.Node primary : cluster.primaries()) {
            assertThat(RedisCluster.command(primary.port(), "INFO", "replication")).contains("connected_slaves:1");
        }
    }

    @Test
    void aKilledPrimaryIsReplacedByItsReplicaWithItsDataAndRejoinsAsAReplica() throws IOException {
        int slot = Integer.parseInt(RedisCluster.command(cluster.nodes().get(0).port(), "CLUSTER", "KEYSLOT",
                "failover-key").substring(1));
        RedisCluster.Node primary = cluster.primaryForSlot(slot);
        // WAIT on the connection that wrote: it counts the replicas that acknowledged this connection's writes
        assertThat(RedisWire.pipeline(primary.host(), primary.port(), Duration.ofSeconds(10),
                List.of(List.of("SET", "failover-key", "kept"), List.of("WAIT", "1", "5000"))))
                .as("written and acknowledged by the replica").containsExactly("OK", ":1");

        cluster.kill(primary);
        cluster.awaitHealthy();
        RedisCluster.Node successor = cluster.primaryForSlot(slot);
        assertThat(successor.port()).isNotEqualTo(primary.port());
        assertThat(RedisCluster.command(successor.port(), "GET", "failover-key")).isEqualTo("kept");

        cluster.restart(primary);
        cluster.awaitHealthy();
        assertThat(primary.isRunning()).isTrue();
        assertThat(primary.isPrimary()).as("the old primary came back as a replica").isFalse();
        assertThat(cluster.primaries()).hasSize(3);
    }
}
