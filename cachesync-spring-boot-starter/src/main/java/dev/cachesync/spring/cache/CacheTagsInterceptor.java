package dev.cachesync.spring.cache;

import dev.cachesync.cache.tags.CacheTag;
import java.lang.reflect.Method;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.ParserContext;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * Evaluates a method's {@link CacheTags} and makes them the current tags while the method runs, so the cache
 * call that Spring's cache interceptor makes inside (on the same thread) stores the result under them. It must
 * wrap Spring's cache advice, so its advisor has the highest precedence.
 */
public final class CacheTagsInterceptor implements MethodInterceptor {

    private static final Logger log = LoggerFactory.getLogger(CacheTagsInterceptor.class);
    private static final ThreadLocal<CurrentTags> CURRENT = new ThreadLocal<>();

    /** The tags of the method running on this thread; {@code valid} false when one broke the tag grammar. */
    record CurrentTags(Set<String> tags, boolean valid) {
        static final CurrentTags NONE = new CurrentTags(Set.of(), true);
    }

    private final SpelExpressionParser parser = new SpelExpressionParser();
    private final ParameterNameDiscoverer names = new DefaultParameterNameDiscoverer();
    private final Map<Method, List<Expression>> expressions = new ConcurrentHashMap<>();

    /** The tags declared for the {@code @CacheTags} method running on this thread, none outside one. */
    static CurrentTags current() {
        CurrentTags tags = CURRENT.get();
        return tags == null ? CurrentTags.NONE : tags;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Object target = invocation.getThis();
        Method method = target == null ? invocation.getMethod()
                : AopUtils.getMostSpecificMethod(invocation.getMethod(), target.getClass());
        CurrentTags tags = evaluate(method, invocation.getArguments(), target);
        CurrentTags outer = CURRENT.get();
        CURRENT.set(tags);
        try {
            return invocation.proceed();
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    private CurrentTags evaluate(Method method, Object[] args, Object target) {
        List<Expression> templates = expressions.computeIfAbsent(method, m -> {
            CacheTags annotation = AnnotatedElementUtils.findMergedAnnotation(m, CacheTags.class);
            if (annotation == null) {
                return List.of();
            }
            return java.util.Arrays.stream(annotation.value())
                    .map(t -> parser.parseExpression(t, ParserContext.TEMPLATE_EXPRESSION)).toList();
        });
        MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(target, method, args, names);
        Set<String> tags = new LinkedHashSet<>();
        for (Expression template : templates) {
            String tag = template.getValue(context, String.class);
            if (!CacheTag.isValid(tag)) {
                log.warn("[Cache] NOT STORED {}: cache tag '{}' (from '{}') does not match {}", method.getName(), tag,
                        template.getExpressionString(), CacheTag.PATTERN.pattern());
                return new CurrentTags(Set.of(), false);
            }
            tags.add(tag);
        }
        return new CurrentTags(Set.copyOf(tags), true);
    }
}
