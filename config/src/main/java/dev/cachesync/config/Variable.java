package dev.cachesync.config;

import java.util.Objects;

/**
 * One environment variable a process reads: its name, its default, what it means, and whether its value is a
 * secret (a secret's value never appears in an error message or a {@code toString}).
 *
 * @param name         upper case, digits and underscores ({@code INVALIDATOR_BATCH_LINGER_MS})
 * @param defaultValue the value when the variable is unset or blank; empty = none
 * @param description  what it means, for tables and messages
 * @param secret       whether the value is a credential
 */
public record Variable(String name, String defaultValue, String description, boolean secret) {

    public Variable {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(description, "description");
        if (!name.matches("[A-Z][A-Z0-9_]*")) {
            throw new IllegalArgumentException("a variable name is upper case, digits and underscores, was '" + name + "'");
        }
        if (secret && !defaultValue.isEmpty()) {
            throw new IllegalArgumentException(name + ": a secret has no default");
        }
    }

    /** A variable that is not a secret; {@code defaultValue} empty = no default. */
    public static Variable of(String name, String defaultValue, String description) {
        return new Variable(name, defaultValue, description, false);
    }

    /** A credential: no default, and its value is never shown. */
    public static Variable secret(String name, String description) {
        return new Variable(name, "", description, true);
    }

    /** Whether it has a default. */
    public boolean hasDefault() {
        return !defaultValue.isEmpty();
    }
}
