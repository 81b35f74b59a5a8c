package io.ggmljava.testdata.selftest;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.junit.platform.launcher.listeners.TestExecutionSummary.Failure;

/**
 * The kit's self-test: each contract, run against a deliberately wrong subject ({@link WrongSubjects}), must fail,
 * in the property that guards against that defect, with a message that names it.
 */
class ContractSelfTest {

    @Test
    void aKernelThatDropsTheTailIsCaught() {
        requireCaught(Subjects.TailDroppingKernels.class, "agreesWithTheReference", "differ");
    }

    @Test
    void anAbsThatKeepsMinusZeroIsCaught() {
        requireCaught(Subjects.SignedZeroAbsKernels.class, "agreesWithTheReference", "0x80000000");
    }

    @Test
    void aReluThatPropagatesNanIsCaught() {
        requireCaught(Subjects.NanPropagatingReluKernels.class, "agreesWithTheReference", "NaN");
    }

    @Test
    void anOverlappingPlannerIsCaught() {
        requireCaught(Subjects.OverlappingPlanner.class, "tensorsLiveAtTheSameTimeNeverShareBytes", "live");
    }

    @Test
    void aMisalignedBufferTypeIsCaught() {
        requireCaught(Subjects.MisalignedBufferType.class, "buffersHaveTheRequestedSizeAndAlignment", "alignment");
    }

    @Test
    void aQuantizerThatTruncatesIsCaught() {
        requireCaught(Subjects.TruncatingQuantizer.class, "quantizeMatchesTheReferenceQuantizer", "q8_0");
    }

    /** A correct provider checked for a few ops only passes, coverage checks included. */
    @Test
    void correctProvidersCheckingOnlySomeOpsPass() {
        for (Class<?> subject : List.of(Subjects.OnlyMatMul.class, Subjects.OnlyAbsAndRelu.class,
                Subjects.OnlyRope.class)) {
            TestExecutionSummary summary = run(subject);
            assertTrue(summary.getTestsStartedCount() > 0, subject.getSimpleName() + ": no property ran");
            assertTrue(summary.getFailures().isEmpty(), subject.getSimpleName() + " failed:\n  "
                    + describe(summary.getFailures()));
        }
    }

    /** Runs {@code subject}'s properties: {@code property} must fail, with a message naming {@code what}. */
    private static void requireCaught(Class<?> subject, String property, String what) {
        TestExecutionSummary summary = run(subject);
        assertTrue(summary.getTestsStartedCount() > 0, subject.getSimpleName() + ": no property ran");
        List<Failure> failures = summary.getFailures();
        String seen = describe(failures);
        boolean caught = failures.stream().anyMatch(f -> f.getTestIdentifier().getDisplayName().contains(property)
                && String.valueOf(f.getException().getMessage()).contains(what));
        assertTrue(caught, subject.getSimpleName() + ": expected " + property + " to fail naming '" + what
                + "'; failures were:\n  " + seen);
    }

    private static TestExecutionSummary run(Class<?> subject) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(subject))
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        return listener.getSummary();
    }

    private static String describe(List<Failure> failures) {
        return failures.stream().map(f -> f.getTestIdentifier().getDisplayName() + ": " + f.getException())
                .collect(Collectors.joining("\n  "));
    }
}
