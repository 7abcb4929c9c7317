package dev.cachesync.schemas.registry;

/** The registry refused a schema (HTTP 409): it breaks the compatibility rule of the subject. */
public final class IncompatibleSchemaException extends SchemaRegistryException {

    private final String subject;
    private final String registryMessage;

    IncompatibleSchemaException(String subject, String registryMessage) {
        super("Schema registry refused the schema for subject '" + subject
                + "' as incompatible with its earlier versions: " + registryMessage);
        this.subject = subject;
        this.registryMessage = registryMessage;
    }

    public String subject() {
        return subject;
    }

    /** What the registry said about the incompatibility, verbatim. */
    public String registryMessage() {
        return registryMessage;
    }
}
