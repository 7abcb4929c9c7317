package dev.cachesync.catalog.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cachesync.catalog.product.FieldError;
import dev.cachesync.catalog.product.PreconditionFailedException;
import dev.cachesync.catalog.product.ProductNotFoundException;
import dev.cachesync.catalog.product.StoreException;
import dev.cachesync.catalog.product.ValidationException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error the catalog answers, in one shape: an RFC 9457 problem ({@code application/problem+json}) that
 * names what is wrong, e.g.
 * <pre>{@code
 * {"type":"about:blank","title":"Bad Request","status":400,"detail":"priceCents: must be >= 0, was -1",
 *  "error":"invalid_request","errors":[{"field":"priceCents","message":"must be >= 0, was -1"}]}
 * }</pre>
 * That covers the API's own refusals, unknown routes (404) and methods (405 with {@code Allow}), malformed
 * percent-escapes, and what Jetty refuses before Javalin sees the request (bad request lines or headers 400,
 * unknown {@code Expect} 417, oversized headers 431).
 */
public final class ApiErrors {
    public static final String PROBLEM_JSON = "application/problem+json";
    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiErrors() {
    }

    /** Installs the mappings on {@code app} (the API's, or the management port's); call before it starts. */
    public static void install(Javalin app) {
        app.unsafeConfig().http.prefer405over404 = true;
        JettyErrors jettyErrors = new JettyErrors();
        app.unsafeConfig().jetty.modifyServer(server -> server.setErrorHandler(jettyErrors));
        app.unsafeConfig().jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(jettyErrors));

        app.before(ApiErrors::checkEscapes);
        app.exception(ApiProblem.class, (e, ctx) -> problem(ctx, e.status(), e.code(), e.errors()));
        app.exception(ValidationException.class, (e, ctx) -> problem(ctx, 400, "invalid_request", e.errors()));
        app.exception(ProductNotFoundException.class, (e, ctx) ->
                problem(ctx, 404, "not_found", List.of(new FieldError("id", e.getMessage()))));
        app.exception(PreconditionFailedException.class, (e, ctx) -> {
            if (e.current() != null) {
                ctx.header("ETag", HttpCaching.etag(e.current()));
            }
            String field = ctx.header("If-Match") != null ? "If-Match" : "If-None-Match";
            problem(ctx, 412, "precondition_failed", List.of(new FieldError(field, e.getMessage())));
        });
        app.exception(StoreException.class, (e, ctx) -> {
            log.warn("store unavailable for {} {}", ctx.method(), ctx.path(), e);
            problem(ctx, 503, "store_unavailable", List.of(new FieldError("store", "the catalog database failed; retry")));
        });
        app.exception(HttpResponseException.class, ApiErrors::routingProblem);
    }

    /** Writes the problem to {@code ctx}; for other packages of the app (authentication answers 401/403 so). */
    public static void problem(Context ctx, int status, String code, List<FieldError> errors) {
        ctx.status(status).contentType(PROBLEM_JSON).result(body(status, code, errors));
    }

    static byte[] body(int status, String code, List<FieldError> errors) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank"); // the status says it all; "error" is the catalog's finer code
        body.put("title", HttpStatus.getMessage(status));
        body.put("status", status);
        body.put("detail", errors.stream().map(FieldError::toString).reduce((a, b) -> a + "; " + b).orElse(code));
        body.put("error", code);
        body.put("errors", errors);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a problem", e);
        }
    }

    /** Before routing: Javalin would answer a bad path escape with 500 and drop a query parameter with one. */
    private static void checkEscapes(Context ctx) {
        String pathProblem = UriEscapes.problem(ctx.req().getRequestURI());
        if (pathProblem != null) {
            throw ApiProblem.badRequest("path", pathProblem);
        }
        List<FieldError> queryProblems = UriEscapes.queryProblems(ctx.req().getQueryString());
        if (!queryProblems.isEmpty()) {
            throw new ApiProblem(400, "invalid_request", queryProblems);
        }
    }

    /** Javalin's own answers: no route (404), a route without this method (405, with Allow), and the like. */
    private static void routingProblem(HttpResponseException e, Context ctx) {
        int status = e.getStatus();
        if (status == 404) {
            problem(ctx, 404, "not_found", List.of(new FieldError("path", "no route " + ctx.method() + " " + ctx.path())));
        } else if (status == 405) {
            String allowed = e.getDetails().getOrDefault("availableMethods", "");
            ctx.header("Allow", allowed);
            problem(ctx, 405, "method_not_allowed", List.of(new FieldError("method",
                    ctx.method() + " is not allowed on " + ctx.path() + "; allowed: " + allowed)));
        } else {
            problem(ctx, status, "http_" + status, List.of(new FieldError("request", e.getMessage())));
        }
    }

    /**
     * Jetty answers some requests itself, with HTML: those it cannot parse (badMessageError: bad request line or
     * header 400, unknown {@code Expect} 417, headers over the limit 431) and errors raised in its servlet layer.
     */
    static final class JettyErrors extends ErrorHandler {
        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(new HttpField(HttpHeader.CONTENT_TYPE, PROBLEM_JSON));
            return ByteBuffer.wrap(body(status, jettyCode(status), List.of(jettyError(status, reason))));
        }

        @Override
        protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request,
                                                  HttpServletResponse response, int code, String message) throws IOException {
            baseRequest.setHandled(true);
            // Jetty refuses some bad escapes itself (%zz, a trailing %) and says only "Bad Request": name the path.
            String pathProblem = code == 400 ? UriEscapes.problem(request.getRequestURI()) : null;
            FieldError error = pathProblem != null ? new FieldError("path", pathProblem) : jettyError(code, message);
            response.setContentType(PROBLEM_JSON);
            response.getOutputStream().write(body(code, jettyCode(code), List.of(error)));
        }

        private static String jettyCode(int status) {
            return switch (status) {
                case 400 -> "invalid_request";
                case 417 -> "expectation_failed";
                case 431 -> "headers_too_large";
                default -> "http_" + status;
            };
        }

        private static FieldError jettyError(int status, String reason) {
            return switch (status) {
                case 417 -> new FieldError("Expect", "only 100-continue is supported");
                case 431 -> new FieldError("headers", "the request line and headers are too large");
                // Jetty gives no reason for a URI it cannot decode (%zz, a trailing %): say what it checked.
                default -> new FieldError("request", reason == null || reason.isBlank() || reason.equals(HttpStatus.getMessage(status))
                        ? "could not be parsed: a malformed request line (e.g. a percent-escape in the path without"
                                + " two hex digits) or header" : reason);
            };
        }
    }
}
