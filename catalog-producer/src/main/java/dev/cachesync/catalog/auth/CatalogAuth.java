package dev.cachesync.catalog.auth;

import dev.cachesync.catalog.api.ApiProblem;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication and authorisation of the catalog API (RFC 6750 bearer tokens: a JWT or an API key). Writes need
 * {@link Scopes#WRITE}; reads are public or need {@link Scopes#READ}, by configuration. A refusal is the API's
 * problem JSON with a {@code WWW-Authenticate} header: 401 without a credential or with a bad one, 403 without the
 * scope. Every write is logged with its principal and status; a credential is never logged.
 *
 * <pre>{@code
 * CatalogAuth.of(CatalogConfig.fromEnv(System.getenv()).auth()).addTo(javalin); // before the API's routes answer
 * }</pre>
 */
public final class CatalogAuth {
    public static final String REALM = "cachesync-catalog";
    private static final Logger log = LoggerFactory.getLogger(CatalogAuth.class);
    private static final Set<HandlerType> WRITES = Set.of(HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE,
            HandlerType.POST);
    private static final String PRINCIPAL_ATTRIBUTE = CatalogAuth.class.getName() + ".principal";

    private final AuthSettings settings;
    private final JwtVerifier jwt;

    private CatalogAuth(AuthSettings settings) {
        this.settings = settings;
        AuthSettings.Jwt j = settings.jwt();
        if (j == null) {
            jwt = null;
        } else if (j.jwksUrl() != null) {
            jwt = JwtVerifier.jwks(j.jwksUrl(), j.issuer(), j.audience(), j.clockSkew());
        } else {
            jwt = JwtVerifier.publicKey(j.publicKeyPem(), j.issuer(), j.audience(), j.clockSkew());
        }
    }

    public static CatalogAuth of(AuthSettings settings) {
        return new CatalogAuth(settings);
    }

    public boolean disabled() {
        return settings.disabled();
    }

    /**
     * Checks every request that matches a route of {@code app} before its handler runs (a request for no route
     * gets its 404 or 405 either way), and logs every write after it answered.
     */
    public void addTo(Javalin app) {
        app.beforeMatched(this::authorize);
        app.after(this::logWrite);
    }

    /** The principal of a request that passed {@link #addTo}'s check, if it needed one. */
    public static Optional<Principal> principal(Context ctx) {
        return Optional.ofNullable(ctx.attribute(PRINCIPAL_ATTRIBUTE));
    }

    private void authorize(Context ctx) {
        boolean write = WRITES.contains(ctx.method());
        if (!write && settings.reads() == AuthSettings.Reads.PUBLIC) {
            return;
        }
        if (settings.disabled()) {
            ctx.attribute(PRINCIPAL_ATTRIBUTE, Principal.ANONYMOUS);
            return;
        }
        String scope = write ? Scopes.WRITE : Scopes.READ;
        Principal principal = authenticate(ctx, scope);
        if (!principal.may(scope)) {
            refuse(ctx, 403, "insufficient_scope", "needs scope " + scope, scope, principal.name());
        }
        ctx.attribute(PRINCIPAL_ATTRIBUTE, principal);
    }

    private Principal authenticate(Context ctx, String scope) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            // RFC 6750 3.1: no error code when the request carried no bearer credential.
            refuse(ctx, 401, null, "a bearer token (JWT or API key) is required", scope, null);
        }
        String token = header.substring(7).trim();
        if (settings.apiKeys() != null) {
            Optional<Principal> byKey = settings.apiKeys().authenticate(token);
            if (byKey.isPresent()) {
                return byKey.get();
            }
        }
        if (jwt == null || token.chars().filter(c -> c == '.').count() != 2) {
            refuse(ctx, 401, "invalid_token", jwt == null ? "unknown API key" : "neither a known API key nor a JWT", scope, null);
        }
        try {
            return jwt.verify(token);
        } catch (JwtVerifier.InvalidToken e) {
            refuse(ctx, 401, "invalid_token", e.getMessage(), scope, null);
        } catch (JwtVerifier.KeysUnavailable e) {
            log.warn("refused {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            throw new ApiProblem(503, "authentication_unavailable", "Authorization",
                    "the token's signing keys cannot be fetched right now; retry");
        }
        throw new AssertionError("unreachable");
    }

    /** Answers {@code status} with the RFC 6750 challenge; throws so that no handler runs. */
    private static void refuse(Context ctx, int status, String error, String description, String scope, String who) {
        StringBuilder challenge = new StringBuilder("Bearer realm=\"" + REALM + "\"");
        if (error != null) {
            challenge.append(", error=\"").append(error).append("\", error_description=\"")
                    .append(description.replace('"', '\'').replace('\\', '/')).append('"');
        }
        if (status == 403) {
            challenge.append(", scope=\"").append(scope).append('"');
        }
        ctx.header("WWW-Authenticate", challenge.toString());
        log.info("refused {} {} with {}{}: {}", ctx.method(), ctx.path(), status, who == null ? "" : " for " + who, description);
        throw new ApiProblem(status, status == 403 ? "forbidden" : "unauthorized", "Authorization", description);
    }

    private void logWrite(Context ctx) {
        if (WRITES.contains(ctx.method())) {
            principal(ctx).ifPresent(p ->
                    log.info("write {} {} -> {} by {}", ctx.method(), ctx.path(), ctx.statusCode(), p.name()));
        }
    }
}
