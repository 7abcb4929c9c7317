package dev.cachesync.invalidator.apply;

import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * Told of every batch once all its invalidations were purged or dead-lettered (e.g. to record the offsets), and of
 * batches that only consumed records without a purge (duplicates, dead letters taken at decode time).
 */
public interface AppliedLedger {
    /** Records nothing: for re-applying, and for tests without offsets. */
    AppliedLedger NONE = offsets -> {
    };

    /**
     * @param highestOffsets per input partition, the highest offset the batch consumed: every record up to it is
     *                       purged, dead-lettered, or carried nothing to purge
     */
    void applied(Map<TopicPartition, Long> highestOffsets);
}
