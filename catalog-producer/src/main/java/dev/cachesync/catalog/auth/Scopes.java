package dev.cachesync.catalog.auth;

/** The scopes (JWT {@code scope}/{@code scp} claim, API key entry) the catalog API knows. */
public final class Scopes {
    /** Reading products, needed only when reads are authenticated. */
    public static final String READ = "catalog:read";
    /** Creating, changing and deleting products; implies {@link #READ}. */
    public static final String WRITE = "catalog:write";

    private Scopes() {
    }
}
