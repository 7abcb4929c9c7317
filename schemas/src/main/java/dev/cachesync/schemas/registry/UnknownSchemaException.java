package dev.cachesync.schemas.registry;

/** The registry does not know what was asked for (HTTP 404): a schema id, a subject, or a schema under a subject. */
public final class UnknownSchemaException extends SchemaRegistryException {

    private final int registryErrorCode;

    UnknownSchemaException(String message, int registryErrorCode) {
        super(message);
        this.registryErrorCode = registryErrorCode;
    }

    /** The registry's {@code error_code} (e.g. 40403 schema not found, 40401 subject not found), -1 if it gave none. */
    public int registryErrorCode() {
        return registryErrorCode;
    }
}
