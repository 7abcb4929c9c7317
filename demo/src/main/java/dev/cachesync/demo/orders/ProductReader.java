package dev.cachesync.demo.orders;

/** An order-service instance reading products from the catalog through its cache. */
public interface ProductReader extends AutoCloseable {

    /** A name for the console, e.g. {@code order-3}. */
    String name();

    /** Reads {@code GET /products/{id}}; never returns null, throws if the catalog cannot answer at all. */
    ProductRead read(String productId);

    @Override
    void close();
}
