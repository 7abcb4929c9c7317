package dev.cachesync.catalog.api;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code Prefer: wait-for-invalidation} preference of a write (RFC 7240 syntax), with the optional RFC 7240
 * {@code wait=N} (seconds) preference bounding how long the client is willing to wait. Preferences are
 * case-insensitive tokens separated by commas, each optionally {@code =value} and {@code ;parameters}; unknown ones
 * are ignored, as RFC 7240 asks.
 */
final class WaitForInvalidation {
    static final String PREFERENCE = "wait-for-invalidation";

    private WaitForInvalidation() {
    }

    /**
     * How long to wait: empty without the preference; else {@code wait} when given (at most {@code max}), else
     * {@code max}.
     */
    static Optional<Duration> requested(List<String> preferHeaders, Duration max) {
        boolean asked = false;
        Duration wait = null;
        for (String header : preferHeaders) {
            for (String preference : header.split(",")) {
                String token = preference.split(";", 2)[0].trim();
                String name = token;
                String value = null;
                int eq = token.indexOf('=');
                if (eq >= 0) {
                    name = token.substring(0, eq).trim();
                    value = token.substring(eq + 1).trim().replace("\"", "");
                }
                name = name.toLowerCase(Locale.ROOT);
                if (name.equals(PREFERENCE)) {
                    asked = true;
                } else if (name.equals("wait") && value != null && wait == null) {
                    try {
                        long seconds = Long.parseLong(value);
                        if (seconds >= 0) {
                            wait = Duration.ofSeconds(Math.min(seconds, max.toSeconds() + 1));
                        }
                    } catch (NumberFormatException e) {
                        // an unusable wait is ignored, like any preference the server cannot honour
                    }
                }
            }
        }
        if (!asked) {
            return Optional.empty();
        }
        return Optional.of(wait == null || wait.compareTo(max) > 0 ? max : wait);
    }
}
