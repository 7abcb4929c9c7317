package dev.cachesync.cache.http;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.OptionalLong;

/**
 * Freshness arithmetic of RFC 9111 section 4.2 for a shared cache, in milliseconds.
 * There is no heuristic freshness: a response without {@code s-maxage}, {@code max-age} or
 * {@code Expires} has a lifetime of zero (it can still be stored if it has a validator, and is then
 * revalidated on every use). Pure: time comes in as arguments.
 */
public final class FreshnessPolicy {

    private FreshnessPolicy() {
    }

    /** s-maxage, else max-age, else Expires minus Date (or minus the response time when Date is missing). */
    public static long freshnessLifetimeMillis(Headers response, long responseTimeMillis) {
        return freshnessLifetimeMillis(response, responseTimeMillis, TargetedCacheControl.DEFAULT);
    }

    /**
     * The same with this cache's targeted fields: when one decides (RFC 9213), its s-maxage / max-age alone
     * count, Cache-Control and Expires are ignored.
     */
    public static long freshnessLifetimeMillis(Headers response, long responseTimeMillis,
                                               TargetedCacheControl targeted) {
        TargetedCacheControl.Directives directives = targeted.resolve(response);
        CacheControl cc = directives.cacheControl();
        if (cc.sMaxAge().isPresent()) {
            return cc.sMaxAge().getAsLong() * 1000;
        }
        if (cc.maxAge().isPresent()) {
            return cc.maxAge().getAsLong() * 1000;
        }
        if (response.contains("Expires") && !directives.targeted()) {
            OptionalLong expires = parseDate(response.first("Expires").orElse(""));
            if (expires.isEmpty()) {
                return 0; // an invalid Expires (e.g. "0") means already expired
            }
            long date = parseDate(response.first("Date").orElse("")).orElse(responseTimeMillis);
            return Math.max(0, expires.getAsLong() - date);
        }
        return 0;
    }

    public static boolean hasExplicitFreshness(Headers response) {
        return hasExplicitFreshness(response, TargetedCacheControl.DEFAULT);
    }

    public static boolean hasExplicitFreshness(Headers response, TargetedCacheControl targeted) {
        TargetedCacheControl.Directives directives = targeted.resolve(response);
        CacheControl cc = directives.cacheControl();
        return cc.sMaxAge().isPresent() || cc.maxAge().isPresent()
                || (!directives.targeted() && response.contains("Expires"));
    }

    /** current_age of RFC 9111 4.2.3. */
    public static long currentAgeMillis(StoredResponse stored, long nowMillis) {
        long residentTime = Math.max(0, nowMillis - stored.responseTimeMillis());
        return stored.correctedInitialAgeMillis() + residentTime;
    }

    /** corrected_initial_age of RFC 9111 4.2.3: the age a response had when it was received. */
    public static long correctedInitialAgeMillis(Headers h, long requestTimeMillis, long responseTimeMillis) {
        long dateValue = parseDate(h.first("Date").orElse("")).orElse(responseTimeMillis);
        long apparentAge = Math.max(0, responseTimeMillis - dateValue);
        long ageValue = ageValueSeconds(h.all("Age")) * 1000;
        long responseDelay = Math.max(0, responseTimeMillis - requestTimeMillis);
        long correctedAgeValue = ageValue + responseDelay;
        return Math.max(apparentAge, correctedAgeValue);
    }

    public static long freshnessLifetimeMillis(StoredResponse stored) {
        return stored.freshnessLifetimeMillis();
    }

    public static boolean isFresh(StoredResponse stored, long nowMillis) {
        return currentAgeMillis(stored, nowMillis) < freshnessLifetimeMillis(stored);
    }

    /**
     * RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT"). A two-digit year more than 50 years ahead is the most recent such
     * year in the past (RFC 9110 5.6.7): the window starts 49 years back.
     */
    private static final DateTimeFormatter RFC_850 = new java.time.format.DateTimeFormatterBuilder()
            .appendPattern("EEEE, dd-MMM-").appendValueReduced(java.time.temporal.ChronoField.YEAR, 2, 2,
                    java.time.Year.now(java.time.ZoneOffset.UTC).getValue() - 49)
            .appendPattern(" HH:mm:ss 'GMT'").toFormatter(java.util.Locale.US).withZone(java.time.ZoneOffset.UTC);
    /** asctime ("Sun Nov  6 08:49:37 1994"), after runs of spaces are collapsed. */
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy",
            java.util.Locale.US).withZone(java.time.ZoneOffset.UTC);

    /**
     * Parses an HTTP-date: IMF-fixdate, and the obsolete RFC 850 and asctime forms recipients must accept
     * (RFC 9110 5.6.7); empty when invalid.
     */
    public static OptionalLong parseDate(String value) {
        if (value == null || value.isBlank()) {
            return OptionalLong.empty();
        }
        String v = value.trim();
        try {
            return OptionalLong.of(ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant().toEpochMilli());
        } catch (DateTimeParseException notImf) {
            for (DateTimeFormatter obsolete : new DateTimeFormatter[] {RFC_850, ASCTIME}) {
                try {
                    return OptionalLong.of(java.time.Instant.from(obsolete.parse(v.replaceAll(" +", " ")))
                            .toEpochMilli());
                } catch (java.time.DateTimeException ignored) {
                    // try the next form
                }
            }
            return OptionalLong.empty();
        }
    }

    public static String formatDate(long epochMillis) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.Instant.ofEpochMilli(epochMillis).atZone(java.time.ZoneOffset.UTC));
    }

    /** The largest delta-seconds a cache must handle (RFC 9111 1.2.2); beyond it means "a very long time". */
    static final long MAX_DELTA_SECONDS = 2_147_483_648L;

    /**
     * The Age field's value (RFC 9111 5.1: one non-negative integer). Absent: 0. An Age that is not exactly one
     * valid delta-seconds (non-numeric, negative, a fraction, a suffix or parameter, repeated) leaves the
     * response's age unknown, and a response of unknown age is not fresh: treated as {@link #MAX_DELTA_SECONDS}.
     */
    static long ageValueSeconds(java.util.List<String> ageFields) {
        if (ageFields.isEmpty()) {
            return 0;
        }
        String value = ageFields.size() == 1 ? ageFields.get(0).trim() : "";
        if (value.isEmpty()) {
            return MAX_DELTA_SECONDS;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return MAX_DELTA_SECONDS;
            }
        }
        return value.length() > 10 ? MAX_DELTA_SECONDS : Math.min(Long.parseLong(value), MAX_DELTA_SECONDS);
    }
}
