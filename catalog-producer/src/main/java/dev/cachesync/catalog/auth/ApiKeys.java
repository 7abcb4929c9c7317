package dev.cachesync.catalog.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * API keys, known only by their SHA-256 hashes: one entry per key, {@code <name> <sha256 hex> <scope>[,<scope>...]},
 * entries separated by line breaks or {@code ;}, {@code #} starts a comment. A plain hash (no salt, no slow
 * function) is enough because a key is 256 random bits ({@link #mint}): there is nothing to guess from a hash.
 */
public final class ApiKeys {
    /** Prefix of minted keys, so a leaked one is recognisable (secret scanners, log greps). */
    public static final String KEY_PREFIX = "csk_";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final Pattern HASH = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern SCOPE = Pattern.compile("[A-Za-z0-9:._-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Entry(String name, byte[] hash, Set<String> scopes) {
    }

    /** A new key and the entry to configure for it; the key is shown to its owner once and stored nowhere. */
    public record MintedKey(String key, String entry) {
        @Override
        public String toString() {
            return "MintedKey[" + entry + "]"; // never the key
        }
    }

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * Parses {@code text}; a bad entry fails naming {@code source} (the variable or file) and the entry's
     * number, never echoing the entry (an operator may have pasted a key instead of its hash).
     */
    public static ApiKeys parse(String source, String text) {
        List<Entry> entries = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        int number = 0;
        for (String line : text.split("[;\\r\\n]+")) {
            String entry = line.replaceFirst("#.*", "").trim();
            if (entry.isEmpty()) {
                continue;
            }
            number++;
            String[] fields = entry.split("\\s+");
            String at = source + " entry " + number;
            if (fields.length != 3) {
                throw new IllegalArgumentException(at + " must be '<name> <sha256 hex of the key> <scope>[,<scope>...]', has "
                        + fields.length + " fields");
            }
            if (!NAME.matcher(fields[0]).matches()) {
                throw new IllegalArgumentException(at + ": name must match " + NAME.pattern());
            }
            if (!names.add(fields[0])) {
                throw new IllegalArgumentException(at + ": name '" + fields[0] + "' is used twice");
            }
            if (!HASH.matcher(fields[1]).matches()) {
                throw new IllegalArgumentException(at + " (" + fields[0] + "): the second field must be the key's SHA-256 as 64 hex digits");
            }
            Set<String> scopes = new LinkedHashSet<>(Arrays.asList(fields[2].split(",")));
            if (!scopes.stream().allMatch(s -> SCOPE.matcher(s).matches())) {
                throw new IllegalArgumentException(at + " (" + fields[0] + "): scopes must be a comma-separated list such as "
                        + Scopes.WRITE);
            }
            entries.add(new Entry(fields[0], HexFormat.of().parseHex(fields[1].toLowerCase()), scopes));
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(source + " has no entries");
        }
        return new ApiKeys(entries);
    }

    /** The principal whose key this is, if any; compares with every entry in constant time. */
    public Optional<Principal> authenticate(String presentedKey) {
        byte[] hash = sha256(presentedKey);
        Entry match = null;
        for (Entry entry : entries) {
            // No early exit: the time taken does not tell how many entries were compared.
            if (MessageDigest.isEqual(entry.hash(), hash)) {
                match = entry;
            }
        }
        return match == null ? Optional.empty() : Optional.of(new Principal("api-key:" + match.name(), match.scopes()));
    }

    public int size() {
        return entries.size();
    }

    /** A new random key (256 bits) for {@code name} with {@code scopes}, and its entry. */
    public static MintedKey mint(String name, String... scopes) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String key = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        return new MintedKey(key, name + " " + hash(key) + " " + String.join(",", scopes));
    }

    /** The hex SHA-256 of a key's UTF-8 bytes, as an entry wants it ({@code printf %s "$KEY" | sha256sum}). */
    public static String hash(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Prints a new key and its entry: {@code java -cp ... dev.cachesync.catalog.auth.ApiKeys <name> <scope>...}. */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: ApiKeys <name> <scope>[ <scope>...]   e.g. ApiKeys pricing-team " + Scopes.WRITE);
            System.exit(2);
        }
        MintedKey minted = mint(args[0], Arrays.copyOfRange(args, 1, args.length));
        System.out.println("key (give it to the client; it is stored nowhere): " + minted.key());
        System.out.println("entry (for CATALOG_AUTH_API_KEYS or the keys file): " + minted.entry());
    }
}
