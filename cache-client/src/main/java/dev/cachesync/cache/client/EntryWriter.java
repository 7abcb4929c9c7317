package dev.cachesync.cache.client;

import dev.cachesync.cache.http.CacheRequest;
import dev.cachesync.cache.http.CacheStrategy;
import dev.cachesync.cache.http.Storability;
import dev.cachesync.cache.http.StoredResponse;
import dev.cachesync.cache.store.CacheEntry;
import dev.cachesync.cache.store.CacheFaultException;
import dev.cachesync.cache.store.CacheStore;
import dev.cachesync.cache.store.CacheStore.FillEnd;
import dev.cachesync.cache.store.CacheUnavailableException;
import dev.cachesync.cache.tags.CacheTagsHeader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What of an origin answer is stored, and storing it: the storable form of a response (the strategy's rules plus
 * this client's limits: body and entry size, tags per response) and the write of a variant into its entry.
 */
final class EntryWriter {

    private static final Logger log = LoggerFactory.getLogger(CachingHttpClient.class);
    private static final int MAX_VARIANTS = 8;

    private final CacheStore store;
    private final CacheStrategy strategy;
    private final RedisHealth health;
    private final ClientMetrics metrics;
    private final String tagHeader;
    private final int maxEntryBytes;
    private final int maxTagsPerResponse;

    EntryWriter(CacheStore store, CacheStrategy strategy, RedisHealth health, ClientMetrics metrics, String tagHeader,
                int maxEntryBytes, int maxTagsPerResponse) {
        this.store = store;
        this.strategy = strategy;
        this.health = health;
        this.metrics = metrics;
        this.tagHeader = tagHeader;
        this.maxEntryBytes = maxEntryBytes;
        this.maxTagsPerResponse = maxTagsPerResponse;
    }

    /** The response as this cache would store it, or null when a shared cache may not store it. */
    StoredResponse storableForm(CacheRequest request, String key, Origin.Response response, long requestTime,
                                long responseTime, long fillSequence) {
        if (!response.complete()) {
            log.debug("[Cache] NOT STORED {} (body larger than maxEntryBytes {}, passed through)", key,
                    maxEntryBytes);
            return null;
        }
        Storability storability = strategy.storability(request, response.status(), response.headers());
        if (!storability.storable()) {
            log.debug("[Cache] NOT STORED {} ({})", key, storability.reason());
            return null;
        }
        Set<String> tags = CacheTagsHeader.parse(response.headers().all(tagHeader));
        if (tooManyTags(key, tags)) {
            return null;
        }
        List<String> varyNames = CacheStrategy.varyNames(response.headers());
        StoredResponse stored = new StoredResponse(response.status(),
                CacheStrategy.storedHeaders(response.headers()), response.body(), requestTime, responseTime,
                CacheStrategy.varyValues(request.headers(), varyNames), tags, fillSequence);
        if (stored.approximateSize() > maxEntryBytes) {
            log.debug("[Cache] NOT STORED {} ({} bytes > maxEntryBytes {})", key, stored.approximateSize(),
                    maxEntryBytes);
            return null;
        }
        return stored;
    }

    /** The tags a 304 brings (null when it has no tag header: the stored ones stay). */
    Set<String> tagsOf(Origin.Response notModified) {
        return notModified.headers().contains(tagHeader)
                ? CacheTagsHeader.parse(notModified.headers().all(tagHeader)) : null;
    }

    /** More tags than a response may carry: it is not stored (every tag costs a set and a fence per fill). */
    boolean tooManyTags(String key, Set<String> tags) {
        if (tags == null || tags.size() <= maxTagsPerResponse) {
            return false;
        }
        log.warn("[Cache] NOT STORED {}: {} cache tags, more than maxTagsPerResponse {}", key, tags.size(),
                maxTagsPerResponse);
        return true;
    }

    /**
     * Stores a variant, replacing {@code replaced} (or a variant with the same Vary values) if present. The entry
     * (all its variants) stays within maxEntryBytes: the oldest variants make room.
     */
    FillEnd storeVariant(String key, CacheEntry entry, StoredResponse variant, StoredResponse replaced,
                         CacheStore.FillLock lock) {
        List<StoredResponse> variants = new ArrayList<>();
        if (entry != null && !variant.varyNames().isEmpty()) {
            for (StoredResponse v : entry.variants()) {
                boolean same = v == replaced || v.varyValues().equals(variant.varyValues());
                if (!same && !v.varyNames().isEmpty()) {
                    variants.add(v);
                }
            }
        }
        variants.add(0, variant);
        if (variants.size() > MAX_VARIANTS) {
            variants = variants.subList(0, MAX_VARIANTS);
        }
        int size = 0;
        for (int i = 0; i < variants.size(); i++) {
            size += variants.get(i).approximateSize();
            if (size > maxEntryBytes) {
                if (i == 0) {
                    log.debug("[Cache] NOT STORED {} ({} bytes > maxEntryBytes {})", key, size, maxEntryBytes);
                    return FillEnd.UNCACHEABLE;
                }
                variants = variants.subList(0, i);
                break;
            }
        }
        CacheEntry updated = new CacheEntry(variants);
        long retainUntil = variants.stream().mapToLong(strategy::retainUntilMillis).max().orElse(0);
        try {
            CacheStore.FillOutcome outcome = store.fill(key, updated, retainUntil, lock);
            if (outcome == CacheStore.FillOutcome.STORED) {
                metrics.fillsStored.increment();
                log.debug("[Cache] STORE {} tags={} seq={}", key, updated.tags(), variant.fillSequence());
                return FillEnd.STORED;
            }
            metrics.fillsDiscarded.increment();
            return FillEnd.FENCED;
        } catch (CacheUnavailableException e) {
            health.failed(e);
        } catch (CacheFaultException e) {
            health.fault(key, e);
        }
        return FillEnd.FAILED;
    }
}
