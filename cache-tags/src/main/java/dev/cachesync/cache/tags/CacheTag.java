package dev.cachesync.cache.tags;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A cache tag such as {@code product:42} or {@code category:shoes}. Tags are compared exactly:
 * {@code user:1} never matches {@code superuser:1} or {@code user:10}.
 */
public record CacheTag(String value) {

    /** The tag grammar of DESIGN.md: lower case, digits and {@code : _ . -}, at most 128 characters. */
    public static final Pattern PATTERN = Pattern.compile("[a-z0-9][a-z0-9:_.\\-]{0,127}");

    public CacheTag {
        Objects.requireNonNull(value, "tag");
        if (!isValid(value)) {
            throw new IllegalArgumentException("invalid cache tag '" + value + "': must match " + PATTERN.pattern());
        }
    }

    public static CacheTag of(String value) {
        return new CacheTag(value);
    }

    public static boolean isValid(String value) {
        return value != null && PATTERN.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
