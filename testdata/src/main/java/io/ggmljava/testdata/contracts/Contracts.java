package io.ggmljava.testdata.contracts;

/**
 * Settings shared by the contracts.
 *
 * <p>Every contract property runs from the pinned seed {@link #SEED}, so a run is reproducible and a red run names a
 * case that fails again. The number of tries is jqwik's default ({@code jqwik.tries.default}: 1000, or what the
 * {@code junit-platform.properties} of the test run says; this project's own runs use 500). Run deeper with
 * {@code -Djqwik.tries.default=N}: a system property overrides the properties file.
 */
public final class Contracts {
    /** The seed of every contract property. */
    public static final String SEED = "20261207";

    private Contracts() {
    }
}
