package io.goheap.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The one JSON mapper of the command line: compact, one document per line. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }
}
