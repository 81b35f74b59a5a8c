package io.ggmljava.graph;

import io.ggmljava.ops.KernelProvider;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/** A kernel provider that runs a hook before every call into one kernel family, then delegates. */
final class Intercept {
    private Intercept() {
    }

    /** Called before each kernel call of the intercepted family, on the thread that makes it. */
    @FunctionalInterface
    interface Hook {
        void before(Method kernel);
    }

    static KernelProvider family(KernelProvider base, String family, Hook hook) {
        return (KernelProvider) Proxy.newProxyInstance(Intercept.class.getClassLoader(),
                new Class<?>[] {KernelProvider.class}, (proxy, m, args) -> {
                    if (m.getName().equals("name")) {
                        return "intercept(" + base.name() + ")";
                    }
                    Object real = call(m, base, args);
                    if (!m.getName().equals(family)) {
                        return real;
                    }
                    return Proxy.newProxyInstance(Intercept.class.getClassLoader(),
                            new Class<?>[] {m.getReturnType()}, (p2, km, kargs) -> {
                                hook.before(km);
                                return call(km, real, kargs);
                            });
                });
    }

    private static Object call(Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
