package dev.cachesync.cache.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Targeted cache control (RFC 9213): response fields such as {@code CDN-Cache-Control} that carry Cache-Control
 * directives for one class of caches. This cache's target list is ordered most specific first, e.g.
 * {@code [Cachesync-Cache-Control, CDN-Cache-Control]}; the default is {@code [CDN-Cache-Control]}.
 *
 * <p>RFC 9213 2.1: the first field of the list that is present with a valid, non-empty value decides the caching
 * policy, and then every other field of the list, {@code Cache-Control} and {@code Expires} are ignored for this
 * cache. A field that is not a valid Structured Fields Dictionary (RFC 8941 3.2) is ignored as if absent. The
 * fields stay in the response this cache passes on and stores (using a targeted field does not consume it: a
 * cache of the same class further down may use it too).
 */
public final class TargetedCacheControl {

    /** The field RFC 9213 defines for CDNs; honoured by default. */
    public static final String CDN_CACHE_CONTROL = "CDN-Cache-Control";

    public static final TargetedCacheControl DEFAULT = new TargetedCacheControl(List.of(CDN_CACHE_CONTROL));

    /** No targeted fields at all: only Cache-Control and Expires count. */
    public static final TargetedCacheControl NONE = new TargetedCacheControl(List.of());

    private final List<String> fields;

    private TargetedCacheControl(List<String> fields) {
        this.fields = List.copyOf(fields);
    }

    /**
     * {@code field} (this cache's own, e.g. {@code Cachesync-Cache-Control}) ahead of {@code CDN-Cache-Control}:
     * when both are present the own field wins.
     */
    public static TargetedCacheControl withOwnField(String field) {
        Objects.requireNonNull(field, "field");
        if (field.isBlank() || field.equalsIgnoreCase("Cache-Control")) {
            throw new IllegalArgumentException("a targeted cache-control field needs its own name, was '" + field + "'");
        }
        List<String> list = new ArrayList<>();
        list.add(field.trim());
        if (!field.trim().equalsIgnoreCase(CDN_CACHE_CONTROL)) {
            list.add(CDN_CACHE_CONTROL);
        }
        return new TargetedCacheControl(list);
    }

    /** The target list, most specific first. */
    public List<String> fields() {
        return fields;
    }

    /**
     * The directives this cache follows for {@code response}, and whether they came from a targeted field (then
     * {@code Expires} does not count either).
     *
     * @param field the targeted field used, or null when Cache-Control decides
     */
    public record Directives(CacheControl cacheControl, String field) {
        public boolean targeted() {
            return field != null;
        }
    }

    public Directives resolve(Headers response) {
        for (String field : fields) {
            List<String> values = response.all(field);
            if (!values.isEmpty()) {
                String combined = String.join(", ", values);
                if (!combined.isBlank() && isDictionary(combined)) {
                    return new Directives(CacheControl.parseDirectives(values), field);
                }
            }
        }
        return new Directives(CacheControl.parse(response), null);
    }

    // RFC 8941 3.2 dictionary member: key [ "=" bare-item ] *( ";" parameter ), members separated by ","
    private static final String KEY = "[a-z*][a-z0-9_.*-]*";
    private static final String BARE_ITEM = "(?:-?[0-9]{1,15}(?:\\.[0-9]{1,3})?|\"(?:[\\x20-\\x21\\x23-\\x5b\\x5d-\\x7e]"
            + "|\\\\[\"\\\\])*\"|[A-Za-z*][!#$%&'*+.^_`|~0-9A-Za-z:/-]*|\\?[01]|:[A-Za-z0-9+/=]*:)";
    private static final String PARAMS = "(?:;[ ]*" + KEY + "(?:=" + BARE_ITEM + ")?)*";
    private static final String MEMBER = KEY + "(?:=" + BARE_ITEM + ")?" + PARAMS;
    private static final Pattern DICTIONARY = Pattern.compile(
            "[ ]*" + MEMBER + "(?:[ \\t]*,[ \\t]*" + MEMBER + ")*[ ]*");

    /** Is {@code value} a valid Structured Fields Dictionary (RFC 8941 3.2; inner lists are not accepted)? */
    static boolean isDictionary(String value) {
        return DICTIONARY.matcher(value).matches();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TargetedCacheControl other && fields.equals(other.fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    @Override
    public String toString() {
        return "TargetedCacheControl" + fields;
    }
}
