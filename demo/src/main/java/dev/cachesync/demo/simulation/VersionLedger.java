package dev.cachesync.demo.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the catalog acknowledged, and when, so each read can be judged. A read that started at {@code t} and
 * returned version {@code v} of a product is:
 * <ul>
 *   <li>STALE if the catalog had acknowledged a newer version more than the bound (say 1 s) before {@code t};</li>
 *   <li>RECENTLY_SUPERSEDED if a newer version was acknowledged before {@code t}, but within the bound (the
 *       change was still on its way through the outbox, Kafka and the invalidator);</li>
 *   <li>FRESH otherwise.</li>
 * </ul>
 * Pure and thread-safe; times are {@link System#nanoTime()} values.
 */
public final class VersionLedger {

    public enum Verdict { FRESH, RECENTLY_SUPERSEDED, STALE }

    /**
     * @param ageNanos for a superseded read: how long before the read started the oldest newer version was
     *                 acknowledged (how old the answer was); 0 when fresh
     */
    public record Judgement(Verdict verdict, long ageNanos) {
    }

    private record Ack(long version, long atNanos) {
    }

    private final Map<String, List<Ack>> acks = new ConcurrentHashMap<>();
    private final long boundNanos;

    public VersionLedger(long boundNanos) {
        this.boundNanos = boundNanos;
    }

    /** Versions known before the run started (acknowledged long ago). */
    public void known(Map<String, Long> versions) {
        versions.forEach((id, version) -> acknowledged(id, version, Long.MIN_VALUE / 4));
    }

    public void acknowledged(String productId, long version, long ackNanos) {
        List<Ack> list = acks.computeIfAbsent(productId, id -> new ArrayList<>());
        synchronized (list) {
            list.add(new Ack(version, ackNanos));
        }
    }

    public Judgement judge(String productId, long versionRead, long readStartedNanos) {
        List<Ack> list = acks.get(productId);
        if (list == null) {
            return new Judgement(Verdict.FRESH, 0);
        }
        long oldestNewer = Long.MAX_VALUE;
        boolean newer = false;
        synchronized (list) {
            for (Ack ack : list) {
                if (ack.version() > versionRead && ack.atNanos() - readStartedNanos < 0) {
                    if (!newer || ack.atNanos() - oldestNewer < 0) {
                        oldestNewer = ack.atNanos();
                    }
                    newer = true;
                }
            }
        }
        if (!newer) {
            return new Judgement(Verdict.FRESH, 0);
        }
        long age = readStartedNanos - oldestNewer;
        return new Judgement(age > boundNanos ? Verdict.STALE : Verdict.RECENTLY_SUPERSEDED, age);
    }

    public long boundNanos() {
        return boundNanos;
    }
}
