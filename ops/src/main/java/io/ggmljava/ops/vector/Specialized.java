package io.ggmljava.ops.vector;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One copy of a kernel class per vector width, each with its species as a true constant.
 *
 * <p>Why: C2 compiles Vector API code to SIMD instructions only when the species is a compile-time constant
 * ({@code static final}); a species kept in an instance field makes every operation fall back to boxed Java code,
 * about 40 times slower. Tests need all widths (128, 256, 512 bits) in one JVM, so a single {@code static final}
 * does not do. Instead, the kernel class is a template: {@link #instance} defines a hidden class from the template's
 * own bytes with the species as its class data, and the template reads it into a {@code static final} field with
 * {@link #species(MethodHandles.Lookup)}. Each hidden copy is compiled separately, with its width folded in.
 *
 * <p>A template must be a final class in this package with a public no-argument constructor, no nested or anonymous
 * classes and no lambdas (those would refer back to the template itself), implementing the interface it is used
 * through.
 */
final class Specialized {
    private Specialized() {
    }

    /** A new instance of a copy of {@code template} whose class data is {@code species}. */
    static <T> T instance(Class<? extends T> template, Class<T> api, VectorSpecies<Float> species) {
        String file = template.getSimpleName() + ".class";
        byte[] bytes;
        try (InputStream in = template.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("class file " + file + " of the kernel template is not readable");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the kernel template " + file, e);
        }
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClassWithClassData(bytes, species, true);
            Object o = hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class)).invoke();
            return api.cast(o);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot specialize " + template.getName() + " for " + species, e);
        }
    }

    /**
     * The species a hidden copy was defined with (call from the template's static initializer with its own
     * {@code MethodHandles.lookup()}); the preferred float species when the template itself is loaded.
     */
    static VectorSpecies<Float> species(MethodHandles.Lookup self) {
        try {
            @SuppressWarnings("unchecked")
            VectorSpecies<Float> s = MethodHandles.classData(self, "_", VectorSpecies.class);
            return s != null ? s : FloatVector.SPECIES_PREFERRED;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
