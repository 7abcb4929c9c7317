package dev.cachesync.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The randomized schedule: a seed decides which fault comes next, how long the system runs undisturbed before it
 * and how long an outage lasts. The first round is every fault type once, in a shuffled order; after it faults are
 * drawn at random. The same seed gives the same schedule. Pure.
 */
public final class FaultPlan {

    /**
     * One fault to inject.
     *
     * @param quietBefore how long the system runs without a fault before this one
     * @param outage      how long the part stays down (Redis, the broker) or paused; faults that are one event
     *                    (the invalidator's SIGKILL, a poison command, the registry restart) ignore it
     * @param variant     a draw for the fault's own choices (which kind of poison)
     */
    public record Step(int number, Fault fault, Duration quietBefore, Duration outage, int variant) {
    }

    private final long seed;
    private final Random random;
    private final List<Fault> types;
    private final List<Fault> firstRound;
    private int drawn;

    /** A schedule of the standalone layout's faults. */
    public FaultPlan(long seed) {
        this(seed, Fault.of(RedisLayout.STANDALONE));
    }

    /** A schedule of {@code types} (e.g. {@link Fault#of(RedisLayout)}). */
    public FaultPlan(long seed, List<Fault> types) {
        if (types.isEmpty()) {
            throw new IllegalArgumentException("a plan needs at least one fault type");
        }
        this.seed = seed;
        this.random = new Random(seed);
        this.types = List.copyOf(types);
        List<Fault> round = new ArrayList<>(this.types);
        Collections.shuffle(round, random);
        this.firstRound = List.copyOf(round);
    }

    /** The fault types this plan draws from. */
    public List<Fault> types() {
        return types;
    }

    public long seed() {
        return seed;
    }

    /** Whether every fault type has been drawn at least once. */
    public boolean firstRoundDone() {
        return drawn >= firstRound.size();
    }

    public Step next() {
        Fault fault = drawn < firstRound.size()
                ? firstRound.get(drawn)
                : types.get(random.nextInt(types.size()));
        drawn++;
        Duration quiet = Duration.ofMillis(1_500 + random.nextInt(2_500));
        Duration outage = Duration.ofMillis(500 + random.nextInt(2_500));
        return new Step(drawn, fault, quiet, outage, random.nextInt(Integer.MAX_VALUE));
    }
}
