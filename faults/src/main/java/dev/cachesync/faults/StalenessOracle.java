package dev.cachesync.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The catalog's acknowledged versions and the fault windows, against which every read is judged. Pure and
 * thread-safe; times are {@link System#nanoTime()} values.
 *
 * <p>A fault window runs from the moment the fault is injected until it has <b>cleared</b>: the part answers
 * again, the probe products (one per partition) are changed at the <i>probe time</i>, and every reader has got
 * their new versions, so invalidations flow again on every partition.
 *
 * <p>A read that started at {@code t} and returned version {@code v} is <b>stale</b> when the catalog had
 * acknowledged a newer version before {@code t}; its staleness is {@code t} minus the acknowledgement of the
 * oldest such version. A stale read that started while a fault was active is <i>during the fault</i>: no purge can
 * be acknowledged while Redis is down, none read while the broker or the invalidator is down. A stale read after
 * the last fault cleared is <b>behind the cleared fault</b> when that newer version was acknowledged before the
 * fault's probe time: events are relayed and applied in order per partition, so once the later probe change has
 * reached every reader, so must have every change acknowledged before it. That must never happen, however loaded
 * the machine. Its age <i>after the fault cleared</i> counts from the later of the acknowledgement and the end of
 * the last fault: the time the system had, fault-free, to deliver the invalidation (compared with the documented
 * bound and reported, not asserted: it is a time, and the machine's load moves it).
 */
public final class StalenessOracle {

    /** What a read returned, judged. */
    public record Judgement(boolean stale, long stalenessNanos, boolean duringFault, boolean behindClearedFault,
                            long afterClearNanos) {
        static final Judgement FRESH = new Judgement(false, 0, false, false, 0);
    }

    /** A fault from the moment it was injected to the moment it was cleared ({@link #clear}). */
    public static final class Window {
        private final Fault fault;
        private final long startNanos;
        private volatile long partBackNanos;
        private volatile long probeNanos;
        private volatile long clearedNanos;
        private volatile boolean cleared;

        private Window(Fault fault, long startNanos) {
            this.fault = fault;
            this.startNanos = startNanos;
        }

        public Fault fault() {
            return fault;
        }

        public long startNanos() {
            return startNanos;
        }

        /** When the broken part answered again (restarted, unpaused); invalidations may still be catching up. */
        public long partBackNanos() {
            return partBackNanos;
        }

        public boolean isCleared() {
            return cleared;
        }

        public long clearedNanos() {
            return clearedNanos;
        }
    }

    private record Ack(long version, long atNanos) {
    }

    private final Map<String, List<Ack>> acks = new ConcurrentHashMap<>();
    private final List<Window> windows = new CopyOnWriteArrayList<>();

    /** The catalog acknowledged {@code version} of the product at {@code ackNanos}. */
    public void acknowledged(String productId, long version, long ackNanos) {
        List<Ack> list = acks.computeIfAbsent(productId, id -> new ArrayList<>());
        synchronized (list) {
            list.add(new Ack(version, ackNanos));
        }
    }

    /** A fault begins now (call before injecting it). */
    public Window begin(Fault fault, long nowNanos) {
        Window window = new Window(fault, nowNanos);
        windows.add(window);
        return window;
    }

    /** The broken part answers again (restarted, unpaused). */
    public void partBack(Window window, long nowNanos) {
        window.partBackNanos = nowNanos;
    }

    /** The probe products are about to be changed: every version acknowledged before must reach the readers. */
    public void probing(Window window, long nowNanos) {
        window.probeNanos = nowNanos;
    }

    /**
     * The fault is over: invalidations reach every reader again (call after checking that they do). Without a
     * {@link #probing} call the probe time is the clear itself.
     */
    public void clear(Window window, long nowNanos) {
        if (window.partBackNanos == 0) {
            window.partBackNanos = nowNanos;
        }
        if (window.probeNanos == 0) {
            window.probeNanos = nowNanos;
        }
        window.clearedNanos = nowNanos;
        window.cleared = true;
    }

    public List<Window> windows() {
        return List.copyOf(windows);
    }

    public Judgement judge(String productId, long versionRead, long readStartNanos) {
        List<Ack> list = acks.get(productId);
        if (list == null) {
            return Judgement.FRESH;
        }
        boolean newer = false;
        long oldestNewer = 0;
        synchronized (list) {
            for (Ack ack : list) {
                if (ack.version() > versionRead && ack.atNanos() - readStartNanos < 0
                        && (!newer || ack.atNanos() - oldestNewer < 0)) {
                    oldestNewer = ack.atNanos();
                    newer = true;
                }
            }
        }
        if (!newer) {
            return Judgement.FRESH;
        }
        long staleness = readStartNanos - oldestNewer;
        long since = oldestNewer;
        boolean behind = false;
        for (Window window : windows) {
            boolean started = window.startNanos - readStartNanos <= 0;
            if (!started) {
                continue;
            }
            if (!window.cleared || window.clearedNanos - readStartNanos > 0) {
                return new Judgement(true, staleness, true, false, -1);
            }
            if (oldestNewer - window.probeNanos < 0) {
                behind = true;
            }
            if (window.clearedNanos - since > 0) {
                since = window.clearedNanos;
            }
        }
        return new Judgement(true, staleness, false, behind, readStartNanos - since);
    }
}
