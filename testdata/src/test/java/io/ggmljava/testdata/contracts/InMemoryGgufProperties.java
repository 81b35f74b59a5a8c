package io.ggmljava.testdata.contracts;

/** The GGUF contract for the writer and reader on byte arrays. */
class InMemoryGgufProperties implements GgufContract {
}
