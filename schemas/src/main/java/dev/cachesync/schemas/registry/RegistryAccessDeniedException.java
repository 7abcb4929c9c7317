package dev.cachesync.schemas.registry;

/**
 * The registry refused the request (HTTP 401 or 403): credentials missing, wrong, or without the right. The
 * message says which kind of credentials was sent, never the credentials, and not the registry's body (which
 * might echo them).
 */
public final class RegistryAccessDeniedException extends SchemaRegistryException {

    private final int status;

    RegistryAccessDeniedException(String request, int status, String credentialsSent) {
        super("Schema registry refused " + request + " with HTTP " + status + " ("
                + (status == 401 ? "not authenticated" : "not authorized") + "; sent " + credentialsSent
                + "): check SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO or SCHEMA_REGISTRY_BEARER_AUTH_TOKEN");
        this.status = status;
    }

    public int status() {
        return status;
    }
}
