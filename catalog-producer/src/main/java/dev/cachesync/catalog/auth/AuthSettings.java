package dev.cachesync.catalog.auth;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * How the catalog API authenticates, from environment variables. There is no silent default: a service
 * without JWT settings or API keys refuses to start unless {@code CATALOG_AUTH_DISABLED=true} says, on
 * purpose, that anyone who reaches the port may change every product.
 *
 * @param reads           whether reads need a principal too
 * @param jwt             JWT validation, or null
 * @param apiKeys         API keys, or null
 * @param disabled        authentication off (local use only)
 */
public record AuthSettings(Reads reads, Jwt jwt, ApiKeys apiKeys, boolean disabled) {

    public enum Reads { PUBLIC, AUTHENTICATED }

    /** Where the signing keys come from (exactly one of jwksUrl and publicKeyPem) and what the claims must say. */
    public record Jwt(URI jwksUrl, String publicKeyPem, String issuer, String audience, Duration clockSkew) {
        @Override
        public String toString() {
            return "Jwt[" + (jwksUrl != null ? "jwks=" + jwksUrl : "public key") + ", issuer=" + issuer
                    + ", audience=" + audience + ", clockSkew=" + clockSkew + "]";
        }
    }

    /** Variable name, default and meaning, in the order the README lists them. */
    public static final String[][] VARIABLES = {
            {"CATALOG_AUTH_JWKS_URL", "", "JWKS URL of the token issuer (signing keys, fetched and cached)"},
            {"CATALOG_AUTH_JWT_PUBLIC_KEY", "", "or: one PEM public key (RSA or EC) that signs the tokens"},
            {"CATALOG_AUTH_JWT_ISSUER", "", "required iss of a JWT"},
            {"CATALOG_AUTH_JWT_AUDIENCE", "", "required aud of a JWT"},
            {"CATALOG_AUTH_JWT_CLOCK_SKEW_SECONDS", "30", "tolerance for exp and nbf"},
            {"CATALOG_AUTH_API_KEYS", "", "API key entries: '<name> <sha256 hex> <scopes>', separated by ';' or lines"},
            {"CATALOG_AUTH_API_KEYS_FILE", "", "or: a file of such entries (a mounted Secret)"},
            {"CATALOG_AUTH_READS", "public", "public, or authenticated (reads need catalog:read or catalog:write)"},
            {"CATALOG_AUTH_DISABLED", "false", "true turns authentication off: local use only"},
    };

    /**
     * Reads the settings; {@code variables} gives each variable's value with its default from {@link #VARIABLES}
     * applied ({@code CatalogConfig.fromEnv} passes its reader, which knows these defaults).
     */
    public static AuthSettings from(UnaryOperator<String> variables) {
        Reads reads = switch (variables.apply("CATALOG_AUTH_READS").toLowerCase()) {
            case "public" -> Reads.PUBLIC;
            case "authenticated" -> Reads.AUTHENTICATED;
            default -> throw new IllegalArgumentException("CATALOG_AUTH_READS must be public or authenticated, was '"
                    + variables.apply("CATALOG_AUTH_READS") + "'");
        };
        String disabledValue = variables.apply("CATALOG_AUTH_DISABLED").toLowerCase();
        if (!disabledValue.matches("true|false")) {
            throw new IllegalArgumentException("CATALOG_AUTH_DISABLED must be true or false, was '" + disabledValue + "'");
        }
        Jwt jwt = jwt(variables);
        ApiKeys keys = apiKeys(variables);
        if (disabledValue.equals("true")) {
            if (jwt != null || keys != null || reads == Reads.AUTHENTICATED) {
                throw new IllegalArgumentException("CATALOG_AUTH_DISABLED=true contradicts the other CATALOG_AUTH_ settings; "
                        + "remove one or the other");
            }
            return new AuthSettings(Reads.PUBLIC, null, null, true);
        }
        if (jwt == null && keys == null) {
            throw new IllegalArgumentException("catalog writes need authentication: set CATALOG_AUTH_JWKS_URL or "
                    + "CATALOG_AUTH_JWT_PUBLIC_KEY (with CATALOG_AUTH_JWT_ISSUER and CATALOG_AUTH_JWT_AUDIENCE), and/or "
                    + "CATALOG_AUTH_API_KEYS or CATALOG_AUTH_API_KEYS_FILE; only for local use, CATALOG_AUTH_DISABLED=true");
        }
        return new AuthSettings(reads, jwt, keys, false);
    }

    private static Jwt jwt(UnaryOperator<String> variables) {
        String jwksUrl = variables.apply("CATALOG_AUTH_JWKS_URL");
        String publicKey = variables.apply("CATALOG_AUTH_JWT_PUBLIC_KEY");
        String issuer = variables.apply("CATALOG_AUTH_JWT_ISSUER");
        String audience = variables.apply("CATALOG_AUTH_JWT_AUDIENCE");
        if (jwksUrl.isEmpty() && publicKey.isEmpty()) {
            if (!issuer.isEmpty() || !audience.isEmpty()) {
                throw new IllegalArgumentException("CATALOG_AUTH_JWT_ISSUER/AUDIENCE are set but neither "
                        + "CATALOG_AUTH_JWKS_URL nor CATALOG_AUTH_JWT_PUBLIC_KEY says which keys sign the tokens");
            }
            return null;
        }
        if (!jwksUrl.isEmpty() && !publicKey.isEmpty()) {
            throw new IllegalArgumentException("set CATALOG_AUTH_JWKS_URL or CATALOG_AUTH_JWT_PUBLIC_KEY, not both");
        }
        if (issuer.isEmpty()) {
            throw new IllegalArgumentException("CATALOG_AUTH_JWT_ISSUER must be set when JWTs are accepted");
        }
        if (audience.isEmpty()) {
            throw new IllegalArgumentException("CATALOG_AUTH_JWT_AUDIENCE must be set when JWTs are accepted");
        }
        URI jwks = null;
        if (!jwksUrl.isEmpty()) {
            jwks = URI.create(jwksUrl);
            if (!"https".equals(jwks.getScheme()) && !"http".equals(jwks.getScheme())) {
                throw new IllegalArgumentException("CATALOG_AUTH_JWKS_URL must be an https (or http) URL, was '" + jwksUrl + "'");
            }
        }
        String skew = variables.apply("CATALOG_AUTH_JWT_CLOCK_SKEW_SECONDS");
        int seconds;
        try {
            seconds = Integer.parseInt(skew);
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 0 || seconds > 300) {
            throw new IllegalArgumentException("CATALOG_AUTH_JWT_CLOCK_SKEW_SECONDS must be a whole number from 0 to 300, was '"
                    + skew + "'");
        }
        Jwt jwt = new Jwt(jwks, publicKey.isEmpty() ? null : publicKey, issuer, audience, Duration.ofSeconds(seconds));
        if (jwt.publicKeyPem() != null) {
            try {
                JwtVerifier.publicKey(jwt.publicKeyPem(), issuer, audience, jwt.clockSkew()); // fail at start, not per request
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("CATALOG_AUTH_JWT_PUBLIC_KEY: " + e.getMessage(), e);
            }
        }
        return jwt;
    }

    private static ApiKeys apiKeys(UnaryOperator<String> variables) {
        String inline = variables.apply("CATALOG_AUTH_API_KEYS");
        String file = variables.apply("CATALOG_AUTH_API_KEYS_FILE");
        if (!inline.isEmpty() && !file.isEmpty()) {
            throw new IllegalArgumentException("set CATALOG_AUTH_API_KEYS or CATALOG_AUTH_API_KEYS_FILE, not both");
        }
        if (!inline.isEmpty()) {
            return ApiKeys.parse("CATALOG_AUTH_API_KEYS", inline);
        }
        if (!file.isEmpty()) {
            try {
                return ApiKeys.parse("CATALOG_AUTH_API_KEYS_FILE " + file, Files.readString(Path.of(file)));
            } catch (IOException e) {
                throw new IllegalArgumentException("CATALOG_AUTH_API_KEYS_FILE: cannot read " + file + ": " + e, e);
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return disabled ? "AuthSettings[DISABLED]" : "AuthSettings[reads=" + reads + ", jwt=" + jwt + ", apiKeys="
                + (apiKeys == null ? "none" : apiKeys.size()) + "]";
    }
}
