package dev.cachesync.auditor.nines;

/**
 * Consistency as nines: {@code -log10(stale / checks)}, so 1 stale check in 1,000 is 3 nines, 1 in 10^6 is 6.
 * Zero stale checks would be infinite; it is counted as half a stale check instead, {@code -log10(0.5 / checks)}:
 * finite, growing with the evidence (more checks, more nines), and always above what the first stale check
 * brings it down to ({@code -log10(1 / (checks + 1))}). No check at all is NaN: nothing is known.
 */
public final class Nines {
    private Nines() {
    }

    public static double of(long stale, long checks) {
        if (stale < 0 || checks < 0 || stale > checks) {
            throw new IllegalArgumentException("need 0 <= stale <= checks, got " + stale + " of " + checks);
        }
        if (checks == 0) {
            return Double.NaN;
        }
        double ratio = stale == 0 ? 0.5 / checks : (double) stale / checks;
        return -Math.log10(ratio);
    }
}
