package dev.cachesync.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;

/**
 * The schema as the repository's {@code .avsc} says it, without what Avro's Java code generator adds to the
 * classes' schemas ({@code avro.java.string} on every string type, from {@code stringType=String}). Those
 * properties mean nothing to other languages, yet a registry sees a schema that carries them as a different one:
 * a non-Java producer registering the {@code .avsc} would add a subject version. Pure.
 */
final class PortableSchemas {
    private static final String JAVA_PROPERTY_PREFIX = "avro.java.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PortableSchemas() {
    }

    /** The schema without {@code avro.java.*} properties. */
    static Schema of(Schema schema) {
        return hasJavaProperties(schema) ? new Schema.Parser().parse(json(schema)) : schema;
    }

    /** The JSON text of the schema without {@code avro.java.*} properties, as Avro prints it otherwise. */
    static String json(Schema schema) {
        if (!hasJavaProperties(schema)) {
            return schema.toString();
        }
        try {
            JsonNode tree = JSON.readTree(schema.toString());
            removeJavaProperties(tree);
            // Re-parsed and printed by Avro, so "string" is not left as {"type":"string"}.
            return new Schema.Parser().parse(JSON.writeValueAsString(tree)).toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot re-read the JSON of schema " + schema.getFullName(), e);
        }
    }

    static boolean hasJavaProperties(Schema schema) {
        return schema.toString().contains(JAVA_PROPERTY_PREFIX);
    }

    private static void removeJavaProperties(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.properties().removeIf(field -> field.getKey().startsWith(JAVA_PROPERTY_PREFIX));
        }
        node.forEach(PortableSchemas::removeJavaProperties);
    }
}
