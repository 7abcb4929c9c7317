package dev.cachesync.catalog.auth;

import java.util.Objects;
import java.util.Set;

/**
 * Who made a request, as proven by a credential, and what it may do. {@code name} is what the logs show: the
 * JWT subject or the API key's name, never the credential itself.
 */
public record Principal(String name, Set<String> scopes) {
    /** Stands for every request while authentication is switched off (local use only). */
    public static final Principal ANONYMOUS = new Principal("anonymous (authentication disabled)",
            Set.of(Scopes.READ, Scopes.WRITE));

    public Principal {
        Objects.requireNonNull(name, "name");
        scopes = Set.copyOf(scopes);
    }

    public boolean may(String scope) {
        // Who may write may read.
        return scopes.contains(scope) || Scopes.READ.equals(scope) && scopes.contains(Scopes.WRITE);
    }
}
