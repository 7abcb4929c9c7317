package dev.cachesync.auditor.check;

import dev.cachesync.cache.http.StoredResponse;
import java.util.List;

/** What one cached entry shows of a product, judged against a change of that product. */
public enum Verdict {
    /** Every response whose version can be read shows the change or a later one. */
    CONSISTENT,
    /** At least one response shows the product as it was before the change. */
    STALE,
    /** No response says which version it shows: not counted. */
    UNREADABLE;

    /**
     * Judges an entry's responses against {@code change}. A response showing version {@code v} is stale when
     * {@code v < change.version()}. A response saying the product does not exist is stale unless the change, or
     * a later one seen since ({@code deletedSince}), deleted it: after a create or an update the product exists.
     */
    public static Verdict of(List<StoredResponse> responses, Change change, boolean deletedSince) {
        boolean readable = false;
        for (StoredResponse response : responses) {
            StoredVersion shown = StoredVersion.of(response, change.productId());
            if (shown instanceof StoredVersion.Known known) {
                readable = true;
                if (known.version() < change.version()) {
                    return STALE;
                }
            } else if (shown instanceof StoredVersion.Absent) {
                readable = true;
                if (!change.deleted() && !deletedSince) {
                    return STALE;
                }
            }
        }
        return readable ? CONSISTENT : UNREADABLE;
    }
}
