package io.goheap.runtime.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link OutputFile}: all or nothing. A failure while writing (injected here by the writer itself, as a
 * full disk would fail a write half way) leaves no file, or the old one untouched, and no temporary
 * file; a success replaces the target in one step, keeping its permissions and symbolic links.
 */
class OutputFileTest {
    @TempDir
    Path tmp;

    /** Writes half the bytes, then fails as a full disk would. */
    static final OutputFile.Body<Void> FULL_DISK = ch -> {
        ch.write(ByteBuffer.wrap("partial".getBytes(StandardCharsets.UTF_8)));
        throw new IOException("No space left on device");
    };

    static OutputFile.Body<String> text(String s) {
        return ch -> {
            ch.write(ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)));
            return s;
        };
    }

    List<Path> files() throws IOException {
        try (var s = Files.list(tmp)) {
            return s.sorted().toList();
        }
    }

    @Test
    void aFailedWriteLeavesNoFileAndNoTemporaryFile() throws Exception {
        Path out = tmp.resolve("out.svg");
        IOException e = assertThrows(IOException.class, () -> OutputFile.write(out, FULL_DISK));
        assertEquals("cannot write " + out + ": no space left on device", e.getMessage());
        assertEquals(List.of(), files());
    }

    @Test
    void aFailedWriteLeavesTheOldFileUntouched() throws Exception {
        Path out = Files.writeString(tmp.resolve("out.svg"), "old");
        assertThrows(IOException.class, () -> OutputFile.write(out, FULL_DISK));
        assertEquals("old", Files.readString(out));
        assertEquals(List.of(out), files());
        // an exception that is no IOException (a bug, a bad address) cleans up the same way
        assertThrows(IllegalStateException.class, () -> OutputFile.write(out, ch -> {
            throw new IllegalStateException("boom");
        }));
        assertEquals("old", Files.readString(out));
        assertEquals(List.of(out), files());
    }

    @Test
    void aWriteReplacesTheFileKeepingItsPermissionsAndLinks() throws Exception {
        Path out = Files.writeString(tmp.resolve("out.svg"), "old and longer");
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-r-----"));
        assertEquals("new", OutputFile.write(out, text("new")));
        assertEquals("new", Files.readString(out));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        Path link = Files.createSymbolicLink(tmp.resolve("link.svg"), out);
        OutputFile.write(link, text("through the link"));
        assertTrue(Files.isSymbolicLink(link), "the link stays a link");
        assertEquals("through the link", Files.readString(out));
        assertEquals(List.of(link, out), files());
        Path fresh = tmp.resolve("fresh.svg");
        OutputFile.write(fresh, text("x"));
        assertEquals(Files.getPosixFilePermissions(Files.createFile(tmp.resolve("plain"))), Files.getPosixFilePermissions(fresh),
                "a new file gets the mode any new file gets (the umask's), not a temporary file's 0600");
    }

    /** A device is written in place, never replaced by a renamed file (as root, /dev/null would be gone). */
    @Test
    void aDeviceIsWrittenInPlace() throws Exception {
        Path devNull = Path.of("/dev/null");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(devNull) && !Files.isRegularFile(devNull), "/dev/null");
        assertEquals("x", OutputFile.write(devNull, text("x")));
        assertTrue(!Files.isRegularFile(devNull) && (Integer) Files.getAttribute(devNull, "unix:mode") >> 12 == 2, "still a character device");
        try (var s = Files.list(Path.of("/dev"))) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().contains(".goheap-")), "no temporary file in /dev");
        }
    }

    /** Why, in the few words of the system's reason, not Java's exception name or the path again. */
    @Test
    void whyNamesTheReason() {
        assertEquals("permission denied", OutputFile.why(new AccessDeniedException("/x")));
        assertEquals("read-only file system", OutputFile.why(new FileSystemException("/x", null, "Read-only file system")));
        assertEquals("symbolic link loop", OutputFile.why(new FileSystemException("/x", null,
                "Too many levels of symbolic links or unable to access attributes of symbolic link")));
        assertEquals("no space left on device", OutputFile.why(new IOException("No space left on device")));
        assertEquals("IOException", OutputFile.why(new IOException()));
    }
}
