package io.goheap.runtime.gosrc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads the Go source (and go.mod) files of one command, refusing before it opens one anything that
 * would not end or would not fit: a named pipe (opening it waits for a writer), a directory, a
 * character device such as {@code /dev/zero} (endless), a block device or a socket; a file over
 * {@link #MAX_BYTES}; and files that together come to more than {@link #MAX_BYTES}. Each refusal is an
 * {@link IOException} whose message names the file and the reason, in one line.
 *
 * <p>Not thread-safe: one reader per command (it counts the bytes read so far).
 */
public final class SourceFiles {
    /**
     * The most source one command reads: 64 MiB, for one file and for all files together. The largest
     * file of Go's own source tree is a few MiB; a file of this size takes goheap seconds to lay out.
     */
    public static final long MAX_BYTES = 64L << 20;

    private long total;

    /** A reader with nothing read yet. */
    public SourceFiles() {
    }

    /**
     * The text of {@code file} (UTF-8), shown as {@code shown} in messages.
     *
     * @throws IOException if {@code file} does not exist, is not a regular file (after symbolic links),
     *                     is larger than {@link #MAX_BYTES} or takes the total past it, cannot be read, or
     *                     is not valid UTF-8
     */
    public String read(Path file, String shown) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new IOException(shown + ": no such file");
        } catch (IOException e) {
            throw new IOException(shown + ": cannot read: " + reason(e));
        }
        if (!a.isRegularFile()) {
            throw new IOException(shown + ": not a regular file (" + kind(file, a) + ")");
        }
        if (a.size() > MAX_BYTES) {
            throw new IOException(shown + ": " + a.size() + " bytes, over goheap's limit of " + MAX_BYTES + " bytes (64 MiB) for Go source");
        }
        byte[] b;
        try (InputStream in = Files.newInputStream(file)) {
            b = in.readNBytes((int) (MAX_BYTES - total) + 1); // the file may have grown since the check
        } catch (IOException e) {
            throw new IOException(shown + ": cannot read: " + reason(e));
        }
        if (b.length > MAX_BYTES - total) {
            throw new IOException(shown + ": the sources come to over " + MAX_BYTES + " bytes (64 MiB), goheap's limit for one command");
        }
        total += b.length;
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(shown + ": invalid UTF-8 encoding");
        }
    }

    /** What a file that is not a regular one is, from its mode bits where the platform gives them. */
    static String kind(Path file, BasicFileAttributes a) {
        if (a.isDirectory()) {
            return "a directory";
        }
        try {
            int type = (Integer) Files.getAttribute(file, "unix:mode") & 0170000; // S_IFMT
            switch (type) {
                case 0010000 -> { return "a named pipe"; }
                case 0020000 -> { return "a character device"; }
                case 0060000 -> { return "a block device"; }
                case 0140000 -> { return "a socket"; }
                default -> { }
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            // no unix view: say only that it is something else
        }
        return "a special file";
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason(); // without the file name, which the message starts with already
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
