package dev.cachesync.schemas.registry;

/**
 * Base of every failure talking to the schema registry. Unchecked: callers that can do something about one case
 * catch the subclass ({@link RegistryUnreachableException}, {@link IncompatibleSchemaException},
 * {@link UnknownSchemaException}, {@link RegistryHttpException}).
 */
public class SchemaRegistryException extends RuntimeException {

    public SchemaRegistryException(String message) {
        super(message);
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
