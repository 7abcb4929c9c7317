package dev.cachesync.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Typed, checked values of declared {@link Variables} from an environment. A variable that is unset or blank
 * takes its default; values are trimmed. Every error is an {@link IllegalArgumentException} that names the
 * variable and what was expected, and shows the value unless the variable is a secret:
 * {@code INVALIDATOR_BATCH_LINGER_MS must be a number of milliseconds from 0 to 60000, was 'abc'}. Asking for a
 * variable that was not declared is a programming error ({@link IllegalStateException}).
 */
public final class ConfigReader {
    private final Variables declared;
    private final Map<String, String> environment;

    ConfigReader(Variables declared, Map<String, String> environment) {
        this.declared = Objects.requireNonNull(declared, "declared");
        // not copied: System.getenv() is fixed, and a test's map may hold null values (= unset)
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    /** The value, trimmed; the default when unset or blank; empty when neither. */
    public String value(String name) {
        Variable variable = declaration(name);
        String value = environment.get(name);
        return value == null || value.isBlank() ? variable.defaultValue() : value.trim();
    }

    /** Whether the environment gives {@code name} a (non-blank) value of its own. */
    public boolean isSet(String name) {
        declaration(name);
        String value = environment.get(name);
        return value != null && !value.isBlank();
    }

    /** A required value: set, or defaulted. */
    public String string(String name) {
        String value = value(name);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(name + " must be set (" + declaration(name).description() + ")");
        }
        return value;
    }

    /** An optional value: empty when unset and without default. */
    public Optional<String> optional(String name) {
        String value = value(name);
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** A credential (the variable must be declared {@link Variable#secret(String, String) secret}). */
    public Optional<String> secret(String name) {
        if (!declaration(name).secret()) {
            throw new IllegalStateException(name + " is read as a secret but not declared as one");
        }
        return optional(name);
    }

    /** A whole number from {@code min} to {@code max}; {@code max = Integer.MAX_VALUE} means no upper bound. */
    public int integer(String name, int min, int max) {
        String value = string(name);
        try {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(name, "an integer " + range(min, max));
    }

    /** A duration given in milliseconds, from {@code minMillis} to {@code maxMillis}. */
    public Duration millis(String name, long minMillis, long maxMillis) {
        String value = string(name);
        try {
            long millis = Long.parseLong(value);
            if (millis >= minMillis && millis <= maxMillis) {
                return Duration.ofMillis(millis);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(name, "a number of milliseconds " + range(minMillis, maxMillis));
    }

    /** {@code true}, {@code 1} or {@code yes}; {@code false}, {@code 0} or {@code no} (any case). */
    public boolean bool(String name) {
        return switch (string(name).toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw invalid(name, "true or false");
        };
    }

    /** One of {@code options} (any case), returned as the option is written. */
    public String choice(String name, String... options) {
        String value = string(name);
        return Arrays.stream(options).filter(option -> option.equalsIgnoreCase(value)).findFirst()
                .orElseThrow(() -> invalid(name, options.length == 2 ? options[0] + " or " + options[1]
                        : "one of " + String.join(", ", options)));
    }

    /** A comma-separated list, each item trimmed, empty items dropped; empty when unset and without default. */
    public List<String> list(String name) {
        return Arrays.stream(value(name).split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList();
    }

    /** A path to a file this process can read, if set. */
    public Optional<Path> readableFile(String name) {
        Optional<String> value = optional(name);
        if (value.isPresent() && !Files.isReadable(Path.of(value.get()))) {
            throw new IllegalArgumentException(name + " names no readable file: " + shown(name, value.get()));
        }
        return value.map(Path::of);
    }

    /**
     * The error for a value that is not what a service expects, for checks only the service can make:
     * "{@code NAME must be <expected>, was '<value>'}", the value hidden when the variable is a secret.
     */
    public IllegalArgumentException invalid(String name, String expected) {
        return new IllegalArgumentException(name + " must be " + expected + ", was " + shown(name, value(name)));
    }

    private String shown(String name, String value) {
        return declaration(name).secret() ? "a value not shown here (a secret)" : "'" + value + "'";
    }

    private static String range(long min, long max) {
        return max == Integer.MAX_VALUE || max == Long.MAX_VALUE ? "of at least " + min : "from " + min + " to " + max;
    }

    private Variable declaration(String name) {
        return declared.find(name).orElseThrow(() -> new IllegalStateException(name + " is not declared in " + declared));
    }

    /** Which declared variables are set; never a value. */
    @Override
    public String toString() {
        return "ConfigReader[set=" + declared.names().stream().filter(this::isSet).toList() + "]";
    }
}
