package dev.cachesync.catalog.product;

import java.util.List;
import java.util.regex.Pattern;

/** The catalog's input rules, shared by the HTTP API, the store and the event publisher. Pure. */
public final class ProductRules {
    /** Product ids and category/brand slugs; short enough that every derived cache tag stays valid. */
    public static final Pattern ID_OR_SLUG = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    public static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    public static final int MAX_NAME_LENGTH = 200;
    public static final int MAX_DESCRIPTION_LENGTH = 5000;
    /**
     * Largest amount of money (minor units): 2^53 - 2, what every consumer reads exactly. JavaScript numbers hold
     * up to 2^53 - 1, but avsc (the JS Avro decoder) refuses that one too as a "potential precision loss".
     */
    public static final long MAX_MONEY = (1L << 53) - 2;
    public static final String DEFAULT_CURRENCY = "EUR";

    private ProductRules() {
    }

    public static boolean isValidId(String value) {
        return value != null && ID_OR_SLUG.matcher(value).matches();
    }

    /** Throws naming {@code field} unless {@code value} is a valid product id or slug. */
    public static String requireId(String field, String value) {
        if (!isValidId(value)) {
            throw ValidationException.of(field, describeBadId(value));
        }
        return value;
    }

    static String describeBadId(String value) {
        if (value == null || value.isEmpty()) {
            return "is required";
        }
        return "must match " + ID_OR_SLUG.pattern() + " (lower-case letters, digits, '_' and '-', at most 64), was '"
                + abbreviate(value) + "'";
    }

    /** Adds an error for every rule the draft breaks. */
    static void check(ProductDraft.Unchecked draft, List<FieldError> errors) {
        if (draft.name() == null || draft.name().isBlank()) {
            errors.add(new FieldError("name", "is required and must not be blank"));
        } else {
            checkLength("name", draft.name(), MAX_NAME_LENGTH, errors);
        }
        if (draft.description() != null) {
            checkLength("description", draft.description(), MAX_DESCRIPTION_LENGTH, errors);
        }
        checkText("name", draft.name(), false, errors);
        checkText("description", draft.description(), true, errors);
        if (draft.priceCents() < 0) {
            errors.add(new FieldError("priceCents", "must be >= 0, was " + draft.priceCents()));
        } else if (draft.priceCents() > MAX_MONEY) {
            errors.add(new FieldError("priceCents", "must be at most " + MAX_MONEY
                    + " (2^53 - 2, the largest whole number every consumer reads exactly), was " + draft.priceCents()));
        }
        if (draft.currency() == null || !CURRENCY.matcher(draft.currency()).matches()) {
            errors.add(new FieldError("currency", "must be a three-letter ISO 4217 code such as EUR"));
        }
        if (draft.stock() < 0) {
            errors.add(new FieldError("stock", "must be >= 0, was " + draft.stock()));
        }
        if (!isValidId(draft.categorySlug())) {
            errors.add(new FieldError("categorySlug", describeBadId(draft.categorySlug())));
        }
        if (draft.brandSlug() != null && !isValidId(draft.brandSlug())) {
            errors.add(new FieldError("brandSlug", describeBadId(draft.brandSlug())));
        }
    }

    /** Counts characters as a reader does: a code point each (an emoji is one, though two UTF-16 units in Java). */
    private static void checkLength(String field, String value, int max, List<FieldError> errors) {
        int length = value.codePointCount(0, value.length());
        if (length > max) {
            errors.add(new FieldError(field, "must be at most " + max + " characters (Unicode code points), was " + length));
        }
    }

    /**
     * PostgreSQL cannot store NUL in text (the write failed as a database error, 503) and a lone UTF-16 surrogate
     * would be stored as '?'; other control characters have no place in a name. Line breaks and tabs are fine in
     * a description.
     */
    private static void checkText(String field, String value, boolean multiline, List<FieldError> errors) {
        if (value == null) {
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) {
                errors.add(new FieldError(field, String.format("must not contain control character U+%04X (at %d)", (int) c, i)));
                return;
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                errors.add(new FieldError(field, "must be valid Unicode (lone surrogate at " + i + ")"));
                return;
            }
        }
    }

    private static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
