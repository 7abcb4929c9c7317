package dev.cachesync.schemas.registry;

/** Any other HTTP error from the registry; carries the status and the body it answered. */
public final class RegistryHttpException extends SchemaRegistryException {

    private final int status;
    private final String body;

    RegistryHttpException(String request, int status, String body) {
        super("Schema registry answered HTTP " + status + " to " + request + ": " + body);
        this.status = status;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public String body() {
        return body;
    }
}
