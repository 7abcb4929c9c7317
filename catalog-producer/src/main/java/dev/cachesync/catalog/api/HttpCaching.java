package dev.cachesync.catalog.api;

import dev.cachesync.catalog.product.Product;
import dev.cachesync.catalog.product.WriteCondition;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/** HTTP validators and preconditions (RFC 9110 section 13). Pure. */
final class HttpCaching {
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private HttpCaching() {
    }

    /** A product's strong ETag: its version, which changes with every committed change. */
    static String etag(Product product) {
        return "\"" + product.version() + "\"";
    }

    /** Strong ETag of a list response: its body is determined by the key and the ids and versions shown. */
    static String listEtag(String key, Collection<Product> products) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(key.getBytes(StandardCharsets.UTF_8));
            for (Product p : products) {
                digest.update(("\n" + p.id() + "@" + p.version()).getBytes(StandardCharsets.UTF_8));
            }
            return "\"l-" + HexFormat.of().formatHex(digest.digest(), 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String httpDate(Instant instant) {
        return HTTP_DATE.format(instant);
    }

    /**
     * Whether a GET may answer 304: {@code If-None-Match} (weak comparison) wins over {@code If-Modified-Since}
     * (second resolution), as RFC 9110 13.2.2 orders them.
     */
    static boolean notModified(String ifNoneMatch, String ifModifiedSince, String etag, Instant lastModified) {
        if (ifNoneMatch != null && !ifNoneMatch.isBlank()) {
            if (ifNoneMatch.trim().equals("*")) {
                return true;
            }
            String opaque = opaque(etag);
            for (String candidate : ifNoneMatch.split(",")) {
                if (opaque(candidate.trim()).equals(opaque)) {
                    return true;
                }
            }
            return false;
        }
        if (ifModifiedSince != null && lastModified != null) {
            Instant since = parseHttpDate(ifModifiedSince);
            return since != null && !lastModified.truncatedTo(ChronoUnit.SECONDS).isAfter(since);
        }
        return false;
    }

    /** The write precondition from {@code If-Match} and {@code If-None-Match} (both optional). */
    static WriteCondition writeCondition(String ifMatch, String ifNoneMatch) {
        WriteCondition condition = WriteCondition.always();
        if (ifMatch != null && !ifMatch.isBlank()) {
            condition = ifMatch.trim().equals("*") ? WriteCondition.exists()
                    : WriteCondition.versionIn(strongVersions(ifMatch));
        }
        if (ifNoneMatch != null && !ifNoneMatch.isBlank()) {
            condition = condition.and(ifNoneMatch.trim().equals("*") ? WriteCondition.absent()
                    : WriteCondition.versionNotIn(weakVersions(ifNoneMatch)));
        }
        return condition;
    }

    /** Versions named by strong entity tags; If-Match uses strong comparison, so weak tags never match. */
    private static Set<Long> strongVersions(String header) {
        Set<Long> versions = new HashSet<>();
        for (String tag : header.split(",")) {
            String t = tag.trim();
            if (!t.startsWith("W/")) {
                addVersion(t, versions);
            }
        }
        return versions;
    }

    private static Set<Long> weakVersions(String header) {
        Set<Long> versions = new HashSet<>();
        for (String tag : header.split(",")) {
            addVersion(opaque(tag.trim()), versions);
        }
        return versions;
    }

    private static void addVersion(String quoted, Set<Long> versions) {
        if (quoted.length() >= 3 && quoted.startsWith("\"") && quoted.endsWith("\"")) {
            try {
                versions.add(Long.parseLong(quoted.substring(1, quoted.length() - 1)));
            } catch (NumberFormatException e) {
                // not one of our tags: it matches no version
            }
        }
    }

    private static String opaque(String etag) {
        return etag.startsWith("W/") ? etag.substring(2) : etag;
    }

    static Instant parseHttpDate(String value) {
        try {
            return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null; // RFC 9110: an invalid date is ignored
        }
    }
}
