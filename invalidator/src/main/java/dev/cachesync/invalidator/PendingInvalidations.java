package dev.cachesync.invalidator;

import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The batch of invalidations a task has taken but not yet purged, as a state store so that Kafka Streams
 * flushes it before every offset commit: an offset is never committed ahead of its purge's acknowledgement
 * (at-least-once, nothing lost, without turning off batching). Nothing is kept on disk; after a crash the
 * uncommitted records are simply read again.
 */
public final class PendingInvalidations implements StateStore {
    private final String name;
    private InvalidationBatch batch;
    private Consumer<InvalidationBatch> applier;
    private boolean open;

    private PendingInvalidations(String name) {
        this.name = name;
    }

    /** Connects the store to its processor's batch and the way to apply it. */
    void bind(InvalidationBatch batch, Consumer<InvalidationBatch> applier) {
        this.batch = batch;
        this.applier = applier;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> {
            // Nothing to restore: the batch is rebuilt from the uncommitted input records.
        });
        open = true;
    }

    /**
     * Applies the pending batch; Kafka Streams calls this before it commits offsets. A batch holding only the
     * offsets of records without a purge is applied here too (one record in Redis, no purge), so Redis' applied
     * offset reaches every offset Kafka is about to commit.
     */
    @Override
    public void flush() {
        if (batch != null && !batch.isSettled()) {
            applier.accept(batch);
        }
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        flush();
    }

    @Override
    public void close() {
        open = false;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    static StoreBuilder<PendingInvalidations> builder(String name) {
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<PendingInvalidations> withCachingEnabled() {
                return this;
            }

            @Override
            public StoreBuilder<PendingInvalidations> withCachingDisabled() {
                return this;
            }

            @Override
            public StoreBuilder<PendingInvalidations> withLoggingEnabled(Map<String, String> config) {
                return this;
            }

            @Override
            public StoreBuilder<PendingInvalidations> withLoggingDisabled() {
                return this;
            }

            @Override
            public PendingInvalidations build() {
                return new PendingInvalidations(name);
            }

            @Override
            public Map<String, String> logConfig() {
                return Map.of();
            }

            @Override
            public boolean loggingEnabled() {
                return false;
            }

            @Override
            public String name() {
                return name;
            }
        };
    }
}
