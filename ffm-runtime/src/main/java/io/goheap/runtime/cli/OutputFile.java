package io.goheap.runtime.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every file a command writes ({@code --svg FILE}, {@code --dump FILE}), all or nothing: the bytes go
 * to a temporary file beside the target ({@code .NAME.goheap-RANDOM.tmp}, created new, so nothing
 * else is touched), are forced to the disk, and the temporary file is then renamed over the target in
 * one step. A failure at any point (a full disk, an I/O error, an exception of the writer) deletes the
 * temporary file: the target is either the complete new file or what it was before. The error is one
 * line naming the target and why ({@link #why}).
 *
 * <p>A target that already exists keeps its permissions; one that is a symbolic link is replaced where
 * the link points (the link stays). A target that exists and is not a regular file (a terminal,
 * {@code /dev/null}, a FIFO), or is under /dev or /proc ({@code /dev/stdout}), cannot be replaced: it
 * is written in place. A directory is refused.
 * Static methods only; no state.
 */
final class OutputFile {
    private OutputFile() {
    }

    /** Writes a file's content through {@code ch}, from position 0; returns what the command reports. */
    interface Body<T> {
        T write(FileChannel ch) throws IOException;
    }

    /**
     * Writes {@code target} with {@code body}, all or nothing (the class comment says how).
     *
     * @return what {@code body} returned
     * @throws IOException with the message {@code cannot write TARGET: REASON} if the file cannot be
     *         written or replaced; {@code target} is then as it was
     */
    static <T> T write(Path target, Body<T> body) throws IOException {
        BasicFileAttributes attrs = null;
        try {
            attrs = Files.readAttributes(target, BasicFileAttributes.class); // through symbolic links
        } catch (NoSuchFileException e) {
            // a new file
        } catch (IOException e) {
            throw cannot(target, e);
        }
        if (attrs != null && attrs.isDirectory()) {
            throw new IOException("cannot write " + target + ": is a directory");
        }
        if (attrs != null && (!attrs.isRegularFile() || isSystemPath(target))) { // no file to replace (a device, a FIFO, /dev/stdout)
            try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                return body.write(ch);
            } catch (IOException e) {
                throw cannot(target, e);
            }
        }
        Path real;
        try {
            real = attrs == null ? target : target.toRealPath(); // through symbolic links: replace the file, not the link
        } catch (IOException e) {
            throw cannot(target, e);
        }
        Path dir = real.toAbsolutePath().getParent();
        Path tmp;
        try {
            tmp = createTemp(dir, real.getFileName().toString());
        } catch (NoSuchFileException e) {
            throw new IOException("cannot write " + target + ": " + (Files.isDirectory(dir) ? "cannot create a file in " + dir
                    : "no such directory " + dir), e);
        } catch (IOException e) {
            throw cannot(target, e);
        }
        boolean done = false;
        try {
            T result;
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                result = body.write(ch);
                ch.force(true); // a disk that fills up late (write-back) fails here, not after the rename
            }
            if (attrs != null) {
                copyPermissions(real, tmp);
            }
            Files.move(tmp, real, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
            return result;
        } catch (IOException e) {
            throw cannot(target, e);
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // nothing more to do: the message names the target, and the name says what the leftover is
                }
            }
        }
    }

    /**
     * A path under /dev or /proc: a process's own streams ({@code /dev/stdout} is a link to
     * {@code /proc/self/fd/1}, which may name a regular file the shell redirected to), written in place.
     */
    private static boolean isSystemPath(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith("/dev") || abs.startsWith("/proc");
    }

    /** A new empty file in {@code dir} named after {@code name}, with the permissions a new file gets (umask). */
    private static Path createTemp(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + name + ".goheap-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            try {
                // not Files.createTempFile: its 0600 would be the output's mode after the rename
                Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt == 100) {
                    throw e;
                }
            }
        }
    }

    private static void copyPermissions(Path from, Path to) throws IOException {
        PosixFileAttributeView src = Files.getFileAttributeView(from, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributeView dst = Files.getFileAttributeView(to, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (src != null && dst != null) {
            dst.setPermissions(src.readAttributes().permissions());
        }
    }

    /**
     * Refuses, as a usage error, an output {@code out} (of {@code option}) that is the same file as one of
     * {@code inputs} (described by {@code what}): compared by file identity (device and inode), so
     * through symbolic and hard links too. Writing it would destroy the input while it is being read.
     *
     * @throws CommandLine.ParameterException naming both paths if they are one file
     */
    static void requireNotInput(CommandLine cl, String option, Path out, String[] what, Path... inputs) {
        if (out == null) {
            return;
        }
        for (int i = 0; i < inputs.length; i++) {
            boolean same;
            try {
                same = Files.isSameFile(out, inputs[i]);
            } catch (IOException e) {
                same = false; // one of them does not exist (or cannot be reached): not the same file; later errors say why
            }
            if (same) {
                throw new CommandLine.ParameterException(cl, String.format("%s %s is the same file as the %s %s: refusing to overwrite an input",
                        option, out, what[i], inputs[i]));
            }
        }
    }

    private static IOException cannot(Path target, IOException e) {
        return new IOException("cannot write " + target + ": " + why(e), e);
    }

    /**
     * Why a file operation failed, in a few words ("permission denied", "no space left on device",
     * "read-only file system", "symbolic link loop", "file name too long"): the system's reason,
     * without the path Java repeats in its messages.
     */
    static String why(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileSystemLoopException) {
            return "symbolic link loop";
        }
        String r = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if (r == null || r.isBlank()) {
            return e.getClass().getSimpleName();
        }
        if (r.startsWith("Too many levels of symbolic links")) { // ELOOP, to which Java adds "or unable to access ..."
            return "symbolic link loop";
        }
        return r.isEmpty() ? r : r.substring(0, 1).toLowerCase(Locale.ROOT) + r.substring(1);
    }
}
