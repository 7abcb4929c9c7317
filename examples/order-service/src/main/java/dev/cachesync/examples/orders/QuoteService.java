package dev.cachesync.examples.orders;

import dev.cachesync.cache.catalog.CatalogClient;
import dev.cachesync.cache.catalog.Product;
import dev.cachesync.spring.cache.CacheTags;
import java.util.NoSuchElementException;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * Prices an order line. The quote is cached per product and quantity, tagged with its product: when the catalog
 * changes the product, the invalidator purges {@code product:<id>} and every instance computes the quote anew.
 */
@Service
public class QuoteService {

    private final CatalogClient catalog;

    public QuoteService(CatalogClient catalog) {
        this.catalog = catalog;
    }

    /** An order line's price: 5 % off from 10 items. */
    public record Quote(String productId, String name, int quantity, long unitPriceCents, long totalCents,
                        String currency) {
    }

    @Cacheable(cacheNames = "quotes", sync = true)
    @CacheTags("product:#{#productId}")
    public Quote quote(String productId, int quantity) {
        if (quantity <= 0) {
            throw new IllegalArgumentException("quantity must be > 0, was " + quantity);
        }
        Product product = catalog.getProduct(productId)
                .orElseThrow(() -> new NoSuchElementException("no product '" + productId + "'"));
        long total = product.priceCents() * quantity;
        if (quantity >= 10) {
            total -= total * 5 / 100;
        }
        return new Quote(productId, product.name(), quantity, product.priceCents(), total, product.currency());
    }
}
