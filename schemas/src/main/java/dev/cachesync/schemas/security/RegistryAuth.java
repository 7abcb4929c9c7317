package dev.cachesync.schemas.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.apache.kafka.common.config.types.Password;

/**
 * The credentials a schema-registry client sends, configured the Confluent way: HTTP basic auth from
 * {@code basic.auth.credentials.source=USER_INFO} + {@code basic.auth.user.info=user:password}, or a bearer
 * token from {@code bearer.auth.credentials.source=STATIC_TOKEN} + {@code bearer.auth.token}. Services read them
 * from {@code SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO} or {@code SCHEMA_REGISTRY_BEARER_AUTH_TOKEN}.
 *
 * <p>{@link #toString()} says which kind is configured, never the secret.
 */
public final class RegistryAuth {

    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String BEARER_AUTH_CREDENTIALS_SOURCE = "bearer.auth.credentials.source";
    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";

    /** The variables read, in the order docs/transport-security.md lists them. */
    public static final List<String> VARIABLES = List.of(
            "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "SCHEMA_REGISTRY_BEARER_AUTH_TOKEN");

    private enum Kind { NONE, BASIC, BEARER }

    private static final RegistryAuth NONE = new RegistryAuth(Kind.NONE, null);

    private final Kind kind;
    private final String secret;

    private RegistryAuth(Kind kind, String secret) {
        this.kind = kind;
        this.secret = secret;
    }

    public static RegistryAuth none() {
        return NONE;
    }

    /** HTTP basic auth; {@code userInfo} is {@code user:password}. */
    public static RegistryAuth basic(String userInfo) {
        Objects.requireNonNull(userInfo, "userInfo");
        if (userInfo.indexOf(':') <= 0) {
            throw new IllegalArgumentException(BASIC_AUTH_USER_INFO + " must be user:password");
        }
        return new RegistryAuth(Kind.BASIC, userInfo);
    }

    /** A static bearer token. */
    public static RegistryAuth bearer(String token) {
        Objects.requireNonNull(token, "token");
        if (token.isBlank()) {
            throw new IllegalArgumentException(BEARER_AUTH_TOKEN + " must not be blank");
        }
        return new RegistryAuth(Kind.BEARER, token.strip());
    }

    /**
     * From {@code SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO} or {@code SCHEMA_REGISTRY_BEARER_AUTH_TOKEN}; neither set
     * means no credentials.
     *
     * @throws IllegalArgumentException naming the variable, when both are set or one is malformed
     */
    public static RegistryAuth fromEnv(Map<String, String> env) {
        String userInfo = blankToNull(env.get("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO"));
        String token = blankToNull(env.get("SCHEMA_REGISTRY_BEARER_AUTH_TOKEN"));
        if (userInfo != null && token != null) {
            throw new IllegalArgumentException("set SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO or "
                    + "SCHEMA_REGISTRY_BEARER_AUTH_TOKEN, not both");
        }
        if (userInfo != null) {
            if (userInfo.indexOf(':') <= 0) {
                throw new IllegalArgumentException("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO must be user:password");
            }
            return basic(userInfo);
        }
        return token == null ? NONE : bearer(token);
    }

    /**
     * From a Kafka serde configuration with Confluent's keys. Only the static sources are supported
     * ({@code USER_INFO}, {@code STATIC_TOKEN}); any other source fails naming the key.
     */
    public static RegistryAuth fromSerdeConfig(Map<String, ?> configs) {
        String basicSource = text(configs, BASIC_AUTH_CREDENTIALS_SOURCE);
        String bearerSource = text(configs, BEARER_AUTH_CREDENTIALS_SOURCE);
        if (basicSource != null && bearerSource != null) {
            throw new IllegalArgumentException("set " + BASIC_AUTH_CREDENTIALS_SOURCE + " or "
                    + BEARER_AUTH_CREDENTIALS_SOURCE + ", not both");
        }
        if (basicSource != null) {
            return basic(staticSecret(configs, BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO", BASIC_AUTH_USER_INFO));
        }
        if (bearerSource != null) {
            return bearer(staticSecret(configs, BEARER_AUTH_CREDENTIALS_SOURCE, "STATIC_TOKEN", BEARER_AUTH_TOKEN));
        }
        return NONE;
    }

    /** The secret under {@code secretKey}, when {@code sourceKey} names the one source supported here. */
    private static String staticSecret(Map<String, ?> configs, String sourceKey, String source, String secretKey) {
        String configured = text(configs, sourceKey);
        if (!source.equals(configured)) {
            throw new IllegalArgumentException(sourceKey + " must be " + source + ", was '" + configured + "'");
        }
        String secret = text(configs, secretKey);
        if (secret == null) {
            throw new IllegalArgumentException(secretKey + " is required with " + sourceKey + "=" + source);
        }
        return secret;
    }

    /** These credentials as Confluent serde configuration keys (empty for none). */
    public Map<String, Object> serdeConfig() {
        return switch (kind) {
            case NONE -> Map.of();
            case BASIC -> Map.of(BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO", BASIC_AUTH_USER_INFO, secret);
            case BEARER -> Map.of(BEARER_AUTH_CREDENTIALS_SOURCE, "STATIC_TOKEN", BEARER_AUTH_TOKEN, secret);
        };
    }

    /** The value of the {@code Authorization} header to send, if any. */
    public Optional<String> authorizationHeader() {
        return switch (kind) {
            case NONE -> Optional.empty();
            case BASIC -> Optional.of("Basic "
                    + Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
            case BEARER -> Optional.of("Bearer " + secret);
        };
    }

    public boolean isNone() {
        return kind == Kind.NONE;
    }

    /** What is configured, for messages: "no credentials", "basic auth" or "a bearer token". */
    public String description() {
        return switch (kind) {
            case NONE -> "no credentials";
            case BASIC -> "basic auth";
            case BEARER -> "a bearer token";
        };
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RegistryAuth that && kind == that.kind && Objects.equals(secret, that.secret);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, secret);
    }

    @Override
    public String toString() {
        return "RegistryAuth[" + description() + "]";
    }

    private static String text(Map<String, ?> configs, String key) {
        Object value = configs.get(key);
        if (value instanceof Password password) {
            return blankToNull(password.value()); // its toString() is "[hidden]"
        }
        return value == null ? null : blankToNull(value.toString());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
