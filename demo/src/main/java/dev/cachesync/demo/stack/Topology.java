package dev.cachesync.demo.stack;

import dev.cachesync.cache.store.Segments;
import java.util.Locale;

/**
 * What the demo's stack is made of: standalone Redis or a Redis Cluster, one Kafka broker or a cluster, how many
 * partitions the topics have and how many invalidator instances share them.
 *
 * @param redisCluster  a Redis Cluster of 3 primaries and 3 replicas (devstack {@code RedisCluster}) instead of one
 *                      redis-server; the cache is then split into {@link Segments#DEFAULT_CLUSTER_SEGMENTS} segments
 * @param brokers       1 (one broker in the JVM) or 3 and more (devstack {@code KafkaCluster}: child JVMs, topics with
 *                      3 replicas and {@code min.insync.replicas} 2)
 * @param partitions    partitions of the topics the invalidator creates
 * @param invalidators  invalidator instances, one Kafka Streams application sharing the partitions
 */
public record Topology(boolean redisCluster, int brokers, int partitions, int invalidators) {

    /** Today's demo: one redis-server, one broker, 3 partitions (the invalidator's default), one invalidator. */
    public static final Topology STANDARD = new Topology(false, 1, 3, 1);

    /** Partitions when a topology names none: the invalidator's default on one broker, more on a cluster. */
    public static int defaultPartitions(int brokers) {
        return brokers >= 3 ? 6 : STANDARD.partitions();
    }

    public Topology {
        if (brokers != 1 && brokers < 3) {
            throw new IllegalArgumentException("brokers must be 1 or at least 3 (a cluster of 2 cannot keep a quorum"
                    + " through the loss of one), was " + brokers);
        }
        if (partitions < 1 || invalidators < 1 || invalidators > partitions) {
            throw new IllegalArgumentException("need 1 <= invalidators (" + invalidators + ") <= partitions ("
                    + partitions + ")");
        }
    }

    /** Whether Kafka is a multi-broker cluster (replication factor 3) rather than one broker. */
    public boolean kafkaCluster() {
        return brokers >= 3;
    }

    /** Replicas of each topic: 3 on a cluster (two of them in sync before a write is acknowledged), 1 on one broker. */
    public int replicationFactor() {
        return kafkaCluster() ? 3 : 1;
    }

    /** One line for the console and comparison.md. */
    public String describe() {
        String redis = redisCluster
                ? "Redis Cluster (3 primaries + 3 replicas, " + Segments.DEFAULT_CLUSTER_SEGMENTS + " segments)"
                : "standalone Redis";
        String kafka = kafkaCluster()
                ? brokers + " Kafka brokers (replication factor 3, min.insync.replicas 2)"
                : "1 Kafka broker";
        return String.format(Locale.ROOT, "%s; %s, %d partitions per topic; %d invalidator instance%s sharing them",
                redis, kafka, partitions, invalidators, invalidators == 1 ? "" : "s");
    }
}
