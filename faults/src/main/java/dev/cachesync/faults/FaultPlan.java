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
    private final List<Fault> firstRound;
    private int drawn;

    public FaultPlan(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
        List<Fault> round = new ArrayList<>(List.of(Fault.values()));
        Collections.shuffle(round, random);
        this.firstRound = List.copyOf(round);
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
                : Fault.values()[random.nextInt(Fault.values().length)];
        drawn++;
        Duration quiet = Duration.ofMillis(1_500 + random.nextInt(2_500));
        Duration outage = Duration.ofMillis(500 + random.nextInt(2_500));
        return new Step(drawn, fault, quiet, outage, random.nextInt(Integer.MAX_VALUE));
    }
}
