package dev.cachesync.invalidator.apply;

import java.util.List;

import dev.cachesync.invalidator.InvalidationBatch;

/** Told of every batch once all its invalidations were purged or dead-lettered (e.g. to record the offsets). */
public interface AppliedLedger {
    /** Records nothing: for re-applying, and for tests without offsets. */
    AppliedLedger NONE = members -> {
    };

    void applied(List<InvalidationBatch.Member> members);
}
