package dev.cachesync.cache.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Immutable HTTP header fields with case-insensitive names; the order of values is kept. */
public final class Headers {

    public static final Headers EMPTY = new Headers(new TreeMap<>(String.CASE_INSENSITIVE_ORDER));

    private final TreeMap<String, List<String>> fields;

    private Headers(TreeMap<String, List<String>> fields) {
        this.fields = fields;
    }

    public static Headers of(Map<String, ? extends List<String>> map) {
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        map.forEach((name, values) -> {
            if (name != null && values != null && !values.isEmpty()) {
                copy.merge(name, List.copyOf(values), Headers::concat);
            }
        });
        return new Headers(copy);
    }

    /** {@code of("A", "1", "B", "2")}. */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("headers need name/value pairs");
        }
        TreeMap<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.merge(namesAndValues[i], List.of(namesAndValues[i + 1]), Headers::concat);
        }
        return new Headers(map);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    public Optional<String> first(String name) {
        List<String> values = fields.get(name);
        return values == null ? Optional.empty() : Optional.of(values.get(0));
    }

    public List<String> all(String name) {
        return fields.getOrDefault(name, List.of());
    }

    /** All values joined by ", " (RFC 9110 field combination), or empty when absent. */
    public Optional<String> combined(String name) {
        List<String> values = fields.get(name);
        return values == null ? Optional.empty() : Optional.of(String.join(", ", values));
    }

    public boolean contains(String name) {
        return fields.containsKey(name);
    }

    public Headers with(String name, String value) {
        TreeMap<String, List<String>> copy = new TreeMap<>(fields);
        copy.put(name, List.of(value));
        return new Headers(copy);
    }

    /** These headers with {@code name} set to {@code values} (replacing it). */
    public Headers withAll(String name, List<String> values) {
        TreeMap<String, List<String>> copy = new TreeMap<>(fields);
        copy.put(name, List.copyOf(values));
        return new Headers(copy);
    }

    public Headers without(String name) {
        if (!fields.containsKey(name)) {
            return this;
        }
        TreeMap<String, List<String>> copy = new TreeMap<>(fields);
        copy.remove(name);
        return new Headers(copy);
    }

    /** These headers with every field of {@code update} replacing the field of the same name. */
    public Headers updatedWith(Headers update, java.util.Set<String> excluded) {
        TreeMap<String, List<String>> copy = new TreeMap<>(fields);
        update.fields.forEach((name, values) -> {
            if (!excluded.contains(name.toLowerCase(Locale.ROOT))) {
                copy.put(name, values);
            }
        });
        return new Headers(copy);
    }

    public Map<String, List<String>> asMap() {
        return Collections.unmodifiableMap(fields);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Headers other && fields.equals(other.fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
