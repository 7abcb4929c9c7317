package dev.cachesync.catalog.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cachesync.catalog.product.FieldError;
import dev.cachesync.catalog.product.ProductDraft;
import dev.cachesync.catalog.product.ProductPatch;
import dev.cachesync.catalog.product.ProductRules;
import dev.cachesync.catalog.product.ValidationException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns request bodies into drafts and patches, naming every field at fault. Pure: no I/O, no store.
 *
 * <p>Accepted fields are the editable ones plus the read-only {@code id}, {@code version} and {@code updatedAt}
 * that a GET returns, so a client can send back what it read: {@code id} must equal the path id, the other two
 * are ignored (optimistic concurrency goes through {@code If-Match}). Anything else is an unknown field.
 */
final class ProductRequests {
    static final Set<String> READ_ONLY = Set.of("id", "version", "updatedAt");
    private static final Set<String> NULLABLE = Set.of("description", "brandSlug");
    private static final String ALLOWED = String.join(", ", new TreeSet<>(ProductPatch.FIELDS));
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            // Without it readTree stops after the first value: '{...} {"stock":5}' would be half-applied.
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ProductRequests() {
    }

    /** The body as a JSON object, or a 400 naming {@code body}. */
    static ObjectNode parseObject(byte[] body) {
        if (body.length == 0) {
            throw ApiProblem.badRequest("body", "is required: a JSON object with the product fields");
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw ApiProblem.badRequest("body", "is not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiProblem.badRequest("body", "could not be read: " + e.getMessage());
        }
        if (node == null || node.isMissingNode()) {
            throw ApiProblem.badRequest("body", "is required: a JSON object with the product fields");
        }
        if (!node.isObject()) {
            throw ApiProblem.badRequest("body", "must be a JSON object, was " + node.getNodeType().name().toLowerCase());
        }
        return (ObjectNode) node;
    }

    /** A full replacement (PUT). */
    static ProductDraft draft(String pathId, ObjectNode body) {
        List<FieldError> errors = new ArrayList<>();
        checkFieldNames(pathId, body, errors);
        Fields f = new Fields(body, errors);
        String name = f.string("name", true);
        String description = f.string("description", false);
        long priceCents = f.longValue("priceCents", true, 0);
        String currency = body.has("currency") ? f.string("currency", true) : ProductRules.DEFAULT_CURRENCY;
        int stock = (int) (body.has("stock") ? f.longValue("stock", true, 0) : 0);
        String categorySlug = f.string("categorySlug", true);
        String brandSlug = f.string("brandSlug", false);
        try {
            ProductDraft draft = new ProductDraft(name, description, priceCents, currency, stock, categorySlug, brandSlug);
            if (!errors.isEmpty()) {
                throw new ValidationException(errors);
            }
            return draft;
        } catch (ValidationException ruleErrors) {
            throw merged(errors, ruleErrors);
        }
    }

    /** A partial change (PATCH, JSON Merge Patch): null clears description or brandSlug. */
    static ProductPatch patch(String pathId, ObjectNode body) {
        List<FieldError> errors = new ArrayList<>();
        checkFieldNames(pathId, body, errors);
        Fields f = new Fields(body, errors);
        ProductPatch.Builder patch = ProductPatch.builder();
        if (body.has("name")) patch.name(f.string("name", true));
        if (body.has("description")) patch.description(f.string("description", false));
        if (body.has("priceCents")) patch.priceCents(f.longValue("priceCents", true, 0));
        if (body.has("currency")) patch.currency(f.string("currency", true));
        if (body.has("stock")) patch.stock((int) f.longValue("stock", true, 0));
        if (body.has("categorySlug")) patch.categorySlug(f.string("categorySlug", true));
        if (body.has("brandSlug")) patch.brandSlug(f.string("brandSlug", false));
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        return patch.build();
    }

    private static void checkFieldNames(String pathId, ObjectNode body, List<FieldError> errors) {
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            if (name.equals("id")) {
                if (!field.getValue().isTextual() || !field.getValue().asText().equals(pathId)) {
                    errors.add(new FieldError("id", "must equal the id in the path ('" + pathId + "') or be left out"));
                }
            } else if (!ProductPatch.FIELDS.contains(name) && !READ_ONLY.contains(name)) {
                errors.add(new FieldError(name, "is not a known field; allowed: " + ALLOWED));
            }
        }
    }

    /** Type errors take precedence: a field with the wrong type is not also reported as, say, missing. */
    private static ValidationException merged(List<FieldError> typeErrors, ValidationException ruleErrors) {
        Set<String> reported = new java.util.HashSet<>();
        typeErrors.forEach(e -> reported.add(e.field()));
        List<FieldError> all = new ArrayList<>(typeErrors);
        ruleErrors.errors().stream().filter(e -> !reported.contains(e.field())).forEach(all::add);
        return new ValidationException(all);
    }

    /** Reads typed values, recording an error per field with the wrong type. */
    private record Fields(ObjectNode body, List<FieldError> errors) {
        String string(String field, boolean required) {
            JsonNode v = body.get(field);
            if (v == null || v.isNull()) {
                if (v != null && required) {
                    errors.add(new FieldError(field, "must not be null"));
                }
                return null; // a missing required field is reported by the rules
            }
            if (!v.isTextual()) {
                errors.add(new FieldError(field, "must be a string, was " + v.getNodeType().name().toLowerCase()));
                return null;
            }
            return v.textValue();
        }

        long longValue(String field, boolean required, long placeholder) {
            JsonNode v = body.get(field);
            if (v == null || v.isNull()) {
                if (required) {
                    errors.add(new FieldError(field, v == null ? "is required" : "must not be null"));
                }
                return placeholder;
            }
            if (!v.isIntegralNumber()) {
                errors.add(new FieldError(field, v.isNumber()
                        ? "must be a whole number (" + field + " counts minor units), was " + v.asText()
                        : "must be a number, was " + v.getNodeType().name().toLowerCase()));
                return placeholder;
            }
            // Values in long range are left to ProductRules, which also guards drafts built in code.
            long max = field.equals("stock") ? Integer.MAX_VALUE : ProductRules.MAX_MONEY;
            if (!v.canConvertToLong() || field.equals("stock") && (v.longValue() > max || v.longValue() < -max)) {
                errors.add(new FieldError(field, "is out of range, must be between 0 and " + max));
                return placeholder;
            }
            return v.longValue();
        }
    }
}
