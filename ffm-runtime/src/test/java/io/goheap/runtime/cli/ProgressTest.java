package io.goheap.runtime.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress bar: silent for quick work, drawn (and erased) once work passes a second. */
class ProgressTest {
    @Test
    void quickWorkPrintsNothing() {
        StringWriter err = new StringWriter();
        try (Progress p = new Progress(new PrintWriter(err), "reading x")) {
            p.update("itabs", 5, 10);
        }
        assertEquals("", err.toString());
    }

    @Test
    void slowWorkShowsABarAndErasesIt() throws Exception {
        StringWriter err = new StringWriter();
        try (Progress p = new Progress(new PrintWriter(err), "reading x")) {
            p.update("types", 3, 4);
            Thread.sleep(1500);
        }
        String s = err.toString();
        assertTrue(s.contains("\rgoheap: types [######################        ] 75%"), s);
        assertTrue(s.endsWith("\r" + " ".repeat(80) + "\r"), "erased at the end");
    }
}
