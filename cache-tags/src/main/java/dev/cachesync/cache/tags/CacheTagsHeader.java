package dev.cachesync.cache.tags;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads tags from a response header such as {@code Cache-Tags: product:1, category:shoes}.
 * A read never fails on a bad tag: invalid tags are dropped with a warning, because the response
 * itself is still good (it just cannot be purged by that tag).
 */
public final class CacheTagsHeader {

    public static final String DEFAULT_NAME = "Cache-Tags";
    private static final Logger log = LoggerFactory.getLogger(CacheTagsHeader.class);

    private CacheTagsHeader() {
    }

    /** Parses every value of the header (comma-separated, trimmed), keeping valid tags in order. */
    public static Set<String> parse(Collection<String> headerValues) {
        return parse(headerValues, invalid -> log.warn("[Cache] dropping invalid cache tag '{}' (must match {})",
                invalid, CacheTag.PATTERN.pattern()));
    }

    static Set<String> parse(Collection<String> headerValues, Consumer<String> onInvalid) {
        Set<String> tags = new LinkedHashSet<>();
        if (headerValues == null) {
            return tags;
        }
        for (String value : headerValues) {
            if (value == null) {
                continue;
            }
            for (String part : value.split(",")) {
                String tag = part.trim();
                if (tag.isEmpty()) {
                    continue;
                }
                if (CacheTag.isValid(tag)) {
                    tags.add(tag);
                } else {
                    onInvalid.accept(tag);
                }
            }
        }
        return tags;
    }

    /** Validates tags given to a purge: the first invalid one fails with its name. */
    public static Set<String> requireValid(Collection<String> tags) {
        Set<String> valid = new LinkedHashSet<>();
        if (tags == null) {
            return valid;
        }
        for (String tag : tags) {
            valid.add(new CacheTag(tag).value());
        }
        return valid;
    }

    public static Set<String> parse(String headerValue) {
        return parse(headerValue == null ? List.of() : List.of(headerValue));
    }
}
