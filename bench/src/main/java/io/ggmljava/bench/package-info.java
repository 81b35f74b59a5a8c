/** JMH benchmarks; run with {@code ./ggml jmh [JMH options]}. Not part of the tests. */
package io.ggmljava.bench;
