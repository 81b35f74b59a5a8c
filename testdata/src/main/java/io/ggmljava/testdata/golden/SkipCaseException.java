package io.ggmljava.testdata.golden;

/** Thrown by a {@link CaseBuilder} (or the runner) to skip a case; the message is the reason reported. */
public final class SkipCaseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SkipCaseException(String reason) {
        super(reason, null, false, false);
    }
}
