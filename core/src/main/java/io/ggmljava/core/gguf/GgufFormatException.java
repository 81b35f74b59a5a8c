package io.ggmljava.core.gguf;

import io.ggmljava.core.GgmlException;

/**
 * A GGUF file broke a format rule. The message reads {@code at byte N: <rule>: <detail>}; {@link #offset()} is the
 * byte where the offending field starts (or where the file ended) and {@link #rule()} the rule that was broken.
 */
public final class GgufFormatException extends GgmlException {
    private static final long serialVersionUID = 1L;

    /** The rules a GGUF file must follow, each with the phrase error messages use. */
    public enum Rule {
        BAD_MAGIC("bad magic"),
        UNSUPPORTED_VERSION("unsupported version"),
        TRUNCATED("truncated"),
        COUNT_TOO_LARGE("length or count larger than the rest of the file"),
        UNKNOWN_VALUE_TYPE("unknown value type"),
        INVALID_VALUE("invalid value"),
        NESTING_TOO_DEEP("arrays nested too deep"),
        DUPLICATE_KEY("duplicate key"),
        BAD_ALIGNMENT("bad general.alignment"),
        TENSOR_NAME("bad tensor name"),
        DUPLICATE_TENSOR("duplicate tensor name"),
        BAD_N_DIMS("bad number of dimensions"),
        NEGATIVE_DIM("negative dimension"),
        ELEMENT_COUNT_OVERFLOW("element count overflow"),
        UNKNOWN_TENSOR_TYPE("unknown tensor type"),
        ROW_SIZE("row size not a multiple of the block size"),
        DATA_MISALIGNED("tensor data misaligned"),
        DATA_OUT_OF_RANGE("tensor data out of range"),
        DATA_OVERLAP("tensor data overlapping");

        private final String phrase;

        Rule(String phrase) {
            this.phrase = phrase;
        }

        /** The phrase used in messages, e.g. {@code bad magic}. */
        public String phrase() {
            return phrase;
        }
    }

    private final long offset;
    private final Rule rule;

    public GgufFormatException(long offset, Rule rule, String detail) {
        super("at byte " + offset + ": " + rule.phrase() + ": " + detail);
        this.offset = offset;
        this.rule = rule;
    }

    /** The byte offset where the offending field starts (or where the file ended). */
    public long offset() {
        return offset;
    }

    /** The rule that was broken. */
    public Rule rule() {
        return rule;
    }
}
