package dev.cachesync.auditor.check;

import dev.cachesync.cache.manager.CacheManager;
import dev.cachesync.cache.manager.TaggedResponses;
import dev.cachesync.cache.tags.CatalogTags;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Checks the shared cache's entries tagged with a changed product: what a reader would be served from Redis. */
public final class ChangeAudit {
    private static final Logger log = LoggerFactory.getLogger(ChangeAudit.class);

    /** The verdict of each entry tagged with the product; entries whose version cannot be read are left out. */
    public record Outcome(int consistent, int stale, int unreadable, List<String> staleKeys) {
    }

    private final CacheManager cache;

    public ChangeAudit(CacheManager cache) {
        this.cache = cache;
    }

    public Outcome check(Change change, boolean deletedSince) {
        int consistent = 0;
        int unreadable = 0;
        List<String> staleKeys = new ArrayList<>();
        for (TaggedResponses entry : cache.servedByTag(CatalogTags.product(change.productId()))) {
            switch (Verdict.of(entry.responses(), change, deletedSince)) {
                case CONSISTENT -> consistent++;
                case UNREADABLE -> unreadable++;
                case STALE -> {
                    staleKeys.add(entry.key());
                    log.warn("STALE {} still shows product {} as before version {}{}", entry.key(),
                            change.productId(), change.version(), change.deleted() ? " (deleted)" : "");
                }
            }
        }
        return new Outcome(consistent, staleKeys.size(), unreadable, List.copyOf(staleKeys));
    }
}
