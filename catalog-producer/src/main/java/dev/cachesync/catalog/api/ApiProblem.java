package dev.cachesync.catalog.api;

import dev.cachesync.catalog.product.FieldError;
import java.util.List;

/** A request the API refuses with {@code status}; the JSON body names the field at fault. */
public final class ApiProblem extends RuntimeException {
    private final int status;
    private final String code;
    private final List<FieldError> errors;

    public ApiProblem(int status, String code, String field, String message) {
        this(status, code, List.of(new FieldError(field, message)));
    }

    ApiProblem(int status, String code, List<FieldError> errors) {
        super(errors.toString());
        this.status = status;
        this.code = code;
        this.errors = List.copyOf(errors);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    List<FieldError> errors() {
        return errors;
    }

    static ApiProblem badRequest(String field, String message) {
        return new ApiProblem(400, "invalid_request", field, message);
    }
}
