package dev.cachesync.invalidator;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import dev.cachesync.invalidator.apply.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes a record, retrying in place, with backoff, while the failure is the registry's
 * ({@link EventDecoder.TransientDecodeException}): as long as it takes for an unreachable or failing registry,
 * and for {@code unknownSchemaWindow} when the registry says the schema id is unknown, after which the record is
 * rejected with reason {@value EventDecoder#UNKNOWN_SCHEMA}. Retrying in place (rather than failing the stream
 * thread) means no thread replacement and no rebalance storm while the registry is down; the task does not move
 * past the record, exactly as while Redis is down.
 *
 * <p>The first failure of each record (topic-partition@offset) is remembered for the whole instance, so a window
 * does not start again when the task is re-created (after the consumer left the group during a long wait).
 * Shared by every task of an instance; thread-safe.
 */
public final class DecodeRetries {
    private static final Logger log = LoggerFactory.getLogger(DecodeRetries.class);
    /** Default bound of the retries of a record whose schema id the registry does not know. */
    public static final Duration DEFAULT_UNKNOWN_SCHEMA_WINDOW = Duration.ofMinutes(5);
    /** Pause between attempts: 100 ms doubling to 5 s. */
    public static final Backoff DEFAULT_BACKOFF = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    private final Duration unknownSchemaWindow;
    private final Backoff backoff;
    private final BooleanSupplier running;
    private final LongSupplier nanoClock;
    private final Map<String, Long> firstFailure = new ConcurrentHashMap<>();

    public DecodeRetries(Duration unknownSchemaWindow, Backoff backoff, BooleanSupplier running, LongSupplier nanoClock) {
        this.unknownSchemaWindow = unknownSchemaWindow;
        this.backoff = backoff;
        this.running = running;
        this.nanoClock = nanoClock;
    }


    /**
     * @param recordId     where the record is (topic-partition@offset)
     * @param attempt      one decoding attempt
     * @param waitingSince told, on every failure, since when (nanos) this record waits
     * @param retried      told of every failed attempt that will be retried, with its cause
     * @throws EventDecoder.TransientDecodeException when the application stops while the record still fails
     */
    public EventDecoder.Decoded decode(String recordId, Supplier<EventDecoder.Decoded> attempt,
                                       LongConsumer waitingSince,
                                       java.util.function.Consumer<EventDecoder.TransientDecodeException> retried) {
        Duration pause = Duration.ZERO;
        while (true) {
            try {
                EventDecoder.Decoded decoded = attempt.get();
                firstFailure.remove(recordId);
                return decoded;
            } catch (EventDecoder.TransientDecodeException e) {
                long first = firstFailure.computeIfAbsent(recordId, id -> nanoClock.getAsLong());
                waitingSince.accept(first);
                Duration waited = Duration.ofNanos(nanoClock.getAsLong() - first);
                if (e.unknownSchema() && waited.compareTo(unknownSchemaWindow) >= 0) {
                    firstFailure.remove(recordId);
                    return EventDecoder.Decoded.rejected(EventDecoder.UNKNOWN_SCHEMA, "still unknown after "
                            + waited.toSeconds() + " s of retries: " + e.getMessage());
                }
                if (!running.getAsBoolean()) {
                    throw e;
                }
                retried.accept(e);
                pause = backoff.next(pause);
                log.warn("cannot decode {} yet (waiting {} s), retrying in {} ms: {}", recordId, waited.toSeconds(),
                        pause.toMillis(), e.getMessage());
                sleep(pause, e);
            }
        }
    }

    private static void sleep(Duration pause, EventDecoder.TransientDecodeException cause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw cause;
        }
    }
}
