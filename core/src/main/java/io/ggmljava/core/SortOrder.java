package io.ggmljava.core;

/** Sort order of {@link Op#ARGSORT} (ggml_sort_order). */
public enum SortOrder {
    ASC, DESC
}
