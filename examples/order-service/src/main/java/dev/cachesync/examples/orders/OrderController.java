package dev.cachesync.examples.orders;

import dev.cachesync.cache.catalog.CatalogClient;
import dev.cachesync.cache.catalog.Product;
import dev.cachesync.cache.catalog.ProductResult;
import java.util.NoSuchElementException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Products as the order service sees them (with the cache tier that answered) and order-line quotes. */
@RestController
public class OrderController {

    private final CatalogClient catalog;
    private final QuoteService quotes;

    public OrderController(CatalogClient catalog, QuoteService quotes) {
        this.catalog = catalog;
        this.quotes = quotes;
    }

    /** The product and where it came from: LOCAL (near cache), REDIS, ORIGIN (the catalog API), ... */
    public record ProductView(Product product, String source) {
    }

    @GetMapping("/products/{id}")
    public ResponseEntity<ProductView> product(@PathVariable String id) {
        ProductResult result = catalog.lookup(id);
        return switch (result.status()) {
            case FOUND -> ResponseEntity.ok(new ProductView(result.product().orElseThrow(), result.source().name()));
            case NOT_FOUND -> ResponseEntity.notFound().build();
            case FAILED -> ResponseEntity.status(HttpStatus.BAD_GATEWAY).build();
        };
    }

    @GetMapping("/quotes/{productId}")
    public QuoteService.Quote quote(@PathVariable String productId, @RequestParam(defaultValue = "1") int quantity) {
        return quotes.quote(productId, quantity);
    }

    @ExceptionHandler(NoSuchElementException.class)
    @ResponseStatus(HttpStatus.NOT_FOUND)
    public String notFound(NoSuchElementException e) {
        return e.getMessage();
    }

    @ExceptionHandler(IllegalArgumentException.class)
    @ResponseStatus(HttpStatus.BAD_REQUEST)
    public String badRequest(IllegalArgumentException e) {
        return e.getMessage();
    }
}
