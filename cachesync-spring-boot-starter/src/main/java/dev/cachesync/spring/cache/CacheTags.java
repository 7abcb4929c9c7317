package dev.cachesync.spring.cache;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The cache tags of what a {@code @Cacheable} method returns: a purge of any of them (by the invalidator, a
 * {@code TagPurger}, the cache manager) drops the cached result on every instance, like an HTTP entry with those
 * {@code Cache-Tags}. Each value is a SpEL template over the method's arguments ({@code #name}, {@code #p0}):
 *
 * <pre>{@code
 * @Cacheable(cacheNames = "quotes", sync = true)
 * @CacheTags({"product:#{#productId}", "category:#{#category}"})
 * public Quote quote(String productId, String category, int quantity) { ... }
 * }</pre>
 *
 * Tags must follow the tag grammar ({@code [a-z0-9][a-z0-9:_.\-]{0,127}}); a result whose tags do not is returned
 * but not cached (a warning names the tag), since no purge could ever find it.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface CacheTags {

    /** SpEL templates, e.g. {@code "product:#{#id}"}. */
    String[] value();
}
