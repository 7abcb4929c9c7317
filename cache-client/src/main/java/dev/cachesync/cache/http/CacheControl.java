package dev.cachesync.cache.http;

import java.util.Locale;
import java.util.OptionalLong;

/**
 * Parsed {@code Cache-Control} directives (request or response). Unknown directives are ignored and
 * malformed delta-seconds are treated as absent, except that a malformed {@code max-age} or
 * {@code s-maxage} counts as zero (RFC 9111 4.2.1: an invalid freshness value means "stale").
 * Field-qualified {@code private="x"} and {@code no-cache="x"} are treated as their unqualified,
 * stricter forms.
 */
public record CacheControl(
        boolean noStore,
        boolean noCache,
        boolean isPrivate,
        boolean isPublic,
        boolean mustRevalidate,
        boolean proxyRevalidate,
        boolean onlyIfCached,
        boolean mustUnderstand,
        OptionalLong maxAge,
        OptionalLong sMaxAge,
        OptionalLong maxStale,
        boolean maxStaleAny,
        OptionalLong minFresh,
        OptionalLong staleWhileRevalidate,
        OptionalLong staleIfError) {

    public static final CacheControl NONE = parse(Headers.EMPTY);

    /** The request's or response's {@code Cache-Control} (with HTTP/1.0 {@code Pragma: no-cache} when absent). */
    public static CacheControl parse(Headers headers) {
        CacheControl cc = parseDirectives(headers.all("Cache-Control"));
        // HTTP/1.0 "Pragma: no-cache" counts only when there is no Cache-Control at all.
        if (!headers.contains("Cache-Control") && !cc.noCache) {
            for (String pragma : headers.all("Pragma")) {
                if (pragma.toLowerCase(Locale.ROOT).contains("no-cache")) {
                    return new CacheControl(cc.noStore, true, cc.isPrivate, cc.isPublic, cc.mustRevalidate,
                            cc.proxyRevalidate, cc.onlyIfCached, cc.mustUnderstand, cc.maxAge, cc.sMaxAge,
                            cc.maxStale, cc.maxStaleAny, cc.minFresh, cc.staleWhileRevalidate, cc.staleIfError);
                }
            }
        }
        return cc;
    }

    /** Directives from field values in Cache-Control syntax (also the syntax of RFC 9213 targeted fields). */
    public static CacheControl parseDirectives(java.util.List<String> fieldValues) {
        boolean noStore = false, noCache = false, isPrivate = false, isPublic = false;
        boolean mustRevalidate = false, proxyRevalidate = false, onlyIfCached = false, maxStaleAny = false;
        boolean mustUnderstand = false;
        OptionalLong maxAge = OptionalLong.empty(), sMaxAge = OptionalLong.empty(), maxStale = OptionalLong.empty();
        OptionalLong minFresh = OptionalLong.empty(), swr = OptionalLong.empty(), sie = OptionalLong.empty();
        for (String value : fieldValues) {
            for (String directive : splitDirectives(value)) {
                String d = directive.trim();
                if (d.isEmpty()) {
                    continue;
                }
                int eq = d.indexOf('=');
                String name = (eq < 0 ? d : d.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
                String arg = eq < 0 ? null : unquote(d.substring(eq + 1).trim());
                switch (name) {
                    case "no-store" -> noStore = true;
                    case "no-cache" -> noCache = true;
                    case "private" -> isPrivate = true;
                    case "public" -> isPublic = true;
                    case "must-revalidate" -> mustRevalidate = true;
                    case "proxy-revalidate" -> proxyRevalidate = true;
                    case "only-if-cached" -> onlyIfCached = true;
                    case "must-understand" -> mustUnderstand = true;
                    // When a directive repeats, the first wins; a malformed freshness value means stale.
                    case "max-age" -> maxAge = maxAge.isPresent() ? maxAge : OptionalLong.of(seconds(arg).orElse(0));
                    case "s-maxage" -> sMaxAge = sMaxAge.isPresent() ? sMaxAge : OptionalLong.of(seconds(arg).orElse(0));
                    case "max-stale" -> {
                        if (arg == null) {
                            maxStaleAny = true;
                        } else if (maxStale.isEmpty()) {
                            maxStale = seconds(arg);
                        }
                    }
                    case "min-fresh" -> minFresh = minFresh.isPresent() ? minFresh : seconds(arg);
                    case "stale-while-revalidate" -> swr = swr.isPresent() ? swr : seconds(arg);
                    case "stale-if-error" -> sie = sie.isPresent() ? sie : seconds(arg);
                    default -> { }
                }
            }
        }
        return new CacheControl(noStore, noCache, isPrivate, isPublic, mustRevalidate, proxyRevalidate,
                onlyIfCached, mustUnderstand, maxAge, sMaxAge, maxStale, maxStaleAny, minFresh, swr, sie);
    }

    /** Splits on commas that are not inside a quoted string ({@code no-cache="a, b"}). */
    private static java.util.List<String> splitDirectives(String value) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : value.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private static OptionalLong seconds(String arg) {
        if (arg == null || arg.isEmpty()) {
            return OptionalLong.empty();
        }
        for (int i = 0; i < arg.length(); i++) {
            if (!Character.isDigit(arg.charAt(i))) {
                return OptionalLong.empty();
            }
        }
        try {
            return OptionalLong.of(Long.parseLong(arg));
        } catch (NumberFormatException tooBig) {
            return OptionalLong.of(Integer.MAX_VALUE); // RFC 9111 1.2.2: overflow means "a very long time"
        }
    }
}
