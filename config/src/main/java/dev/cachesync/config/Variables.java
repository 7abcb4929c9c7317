package dev.cachesync.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The variables a process (or a part of one, such as cache-client's Redis settings) reads, in the order its
 * README lists them. Reading goes through {@link #read(Map)}, which only answers for declared variables, so this
 * list is always the complete one: deploy manifests and README tables can be checked against it.
 *
 * <pre>{@code
 * static final Variables VARIABLES = Variables.of(
 *         Variable.of("INVALIDATOR_BATCH_LINGER_MS", "5", "how long a batch waits for more events"),
 *         Variable.secret("REDIS_PASSWORD", "password of the Redis user"));
 * ConfigReader config = VARIABLES.read(System.getenv());
 * Duration linger = config.millis("INVALIDATOR_BATCH_LINGER_MS", 0, 60_000);
 * }</pre>
 */
public final class Variables {
    private final Map<String, Variable> byName;

    private Variables(Map<String, Variable> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /** These variables, in this order; a name declared twice is refused. */
    public static Variables of(Variable... variables) {
        return new Variables(index(List.of(variables)));
    }

    /** These variables followed by {@code more}'s (e.g. a service's own and cache-client's Redis ones). */
    public Variables and(Variables more) {
        List<Variable> all = new ArrayList<>(byName.values());
        all.addAll(more.byName.values());
        return new Variables(index(all));
    }

    private static Map<String, Variable> index(List<Variable> variables) {
        Map<String, Variable> byName = new LinkedHashMap<>();
        for (Variable variable : variables) {
            if (byName.putIfAbsent(variable.name(), variable) != null) {
                throw new IllegalArgumentException(variable.name() + " is declared twice");
            }
        }
        return byName;
    }

    /** Every variable with its default and description, in declaration order. */
    public List<Variable> list() {
        return List.copyOf(byName.values());
    }

    /** The names, in declaration order. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** The declaration of {@code name}, if declared here. */
    public Optional<Variable> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * Where a Markdown document (a README's configuration table) disagrees with these declarations: a variable no
     * table row names in its first cell, or a row for that variable alone whose second cell does not show the
     * declared default as code ({@code `8080`}). Empty when the table is true.
     */
    public List<String> differencesFrom(String markdown) {
        List<String[]> rows = markdown.lines().filter(line -> line.startsWith("|"))
                .map(line -> line.split("\\|")).filter(cells -> cells.length > 2)
                .map(cells -> new String[] {cells[1].trim(), cells[2].trim()}).toList();
        List<String> differences = new ArrayList<>();
        for (Variable variable : byName.values()) {
            String code = "`" + variable.name() + "`";
            List<String[]> naming = rows.stream().filter(row -> row[0].contains(code)).toList();
            if (naming.isEmpty()) {
                differences.add(variable.name() + ": no table row names it");
                continue;
            }
            naming.stream().filter(row -> row[0].equals(code)).findFirst().ifPresent(row -> {
                if (variable.hasDefault() && !row[1].contains("`" + variable.defaultValue() + "`")) {
                    differences.add(variable.name() + ": the table's default is '" + row[1] + "', the code's '"
                            + variable.defaultValue() + "'");
                }
            });
        }
        return differences;
    }

    /** A reader of these variables' values in {@code environment} ({@code System.getenv()}, or a map in tests). */
    public ConfigReader read(Map<String, String> environment) {
        return new ConfigReader(this, environment);
    }

    @Override
    public String toString() {
        return "Variables" + byName.keySet();
    }
}
