package dev.cachesync.catalog.auth;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.cachesync.config.ConfigReader;
import dev.cachesync.config.Variable;
import dev.cachesync.config.Variables;

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

    /** The variables, with defaults and meanings, in the order catalog-producer/README.md lists them. */
    public static final Variables DECLARED = Variables.of(
            Variable.of("CATALOG_AUTH_JWKS_URL", "", "JWKS URL of the token issuer (signing keys, fetched and cached)"),
            Variable.of("CATALOG_AUTH_JWT_PUBLIC_KEY", "", "or: one PEM public key (RSA or EC) that signs the tokens"),
            Variable.of("CATALOG_AUTH_JWT_ISSUER", "", "required iss of a JWT"),
            Variable.of("CATALOG_AUTH_JWT_AUDIENCE", "", "required aud of a JWT"),
            Variable.of("CATALOG_AUTH_JWT_CLOCK_SKEW_SECONDS", "30", "tolerance for exp and nbf"),
            // hashes, not keys; but a key pasted by mistake must not reach a log
            Variable.secret("CATALOG_AUTH_API_KEYS", "API key entries: '<name> <sha256 hex> <scopes>', separated by ';' or lines"),
            Variable.of("CATALOG_AUTH_API_KEYS_FILE", "", "or: a file of such entries (a mounted Secret)"),
            Variable.of("CATALOG_AUTH_READS", "public", "public, or authenticated (reads need catalog:read or catalog:write)"),
            Variable.of("CATALOG_AUTH_DISABLED", "false", "true turns authentication off: local use only"));

    /** Reads the settings of {@link #DECLARED} ({@code CatalogConfig.fromEnv} passes its reader, which declares them). */
    public static AuthSettings from(ConfigReader variables) {
        Reads reads = variables.choice("CATALOG_AUTH_READS", "public", "authenticated").equals("public")
                ? Reads.PUBLIC : Reads.AUTHENTICATED;
        // Only these two words: turning authentication off is never implied by a "1" or a "yes".
        boolean disabled = variables.choice("CATALOG_AUTH_DISABLED", "true", "false").equals("true");
        Jwt jwt = jwt(variables);
        ApiKeys keys = apiKeys(variables);
        if (disabled) {
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

    private static Jwt jwt(ConfigReader variables) {
        String jwksUrl = variables.value("CATALOG_AUTH_JWKS_URL");
        String publicKey = variables.value("CATALOG_AUTH_JWT_PUBLIC_KEY");
        String issuer = variables.value("CATALOG_AUTH_JWT_ISSUER");
        String audience = variables.value("CATALOG_AUTH_JWT_AUDIENCE");
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
                throw variables.invalid("CATALOG_AUTH_JWKS_URL", "an https (or http) URL");
            }
        }
        int seconds = variables.integer("CATALOG_AUTH_JWT_CLOCK_SKEW_SECONDS", 0, 300);
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

    private static ApiKeys apiKeys(ConfigReader variables) {
        String inline = variables.secret("CATALOG_AUTH_API_KEYS").orElse("");
        Path file = variables.readableFile("CATALOG_AUTH_API_KEYS_FILE").orElse(null);
        if (!inline.isEmpty() && file != null) {
            throw new IllegalArgumentException("set CATALOG_AUTH_API_KEYS or CATALOG_AUTH_API_KEYS_FILE, not both");
        }
        if (!inline.isEmpty()) {
            return ApiKeys.parse("CATALOG_AUTH_API_KEYS", inline);
        }
        if (file != null) {
            try {
                return ApiKeys.parse("CATALOG_AUTH_API_KEYS_FILE " + file, Files.readString(file));
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
