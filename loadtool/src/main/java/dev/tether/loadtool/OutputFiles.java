package dev.tether.loadtool;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Output files ({@code --json}, {@code --html}, {@code --hlog}) checked before the work that fills them. */
public final class OutputFiles {
    private OutputFiles() {
    }

    /**
     * Checks that {@code file} can be written by opening it for writing, which asks the operating system itself
     * (a missing folder, no permission, a read-only file system, a directory). Nothing is changed: an existing
     * file is not truncated and a file created by the check is removed again.
     *
     * @param option the option that named the file, for the message
     * @throws IllegalArgumentException naming the option, the file and the operating system's reason
     */
    public static void checkWritable(String option, Path file) {
        if (file == null) {
            return;
        }
        String where = "cannot write " + option + " " + file + ": ";
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(where + "Is a directory");
        }
        boolean existed = Files.exists(file);
        try (SeekableByteChannel ignored = Files.newByteChannel(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            // Opened: writable.
        } catch (IOException e) {
            Path folder = file.toAbsolutePath().getParent();
            String hint = folder != null && !Files.isDirectory(folder) ? " (the folder " + folder + " does not exist)" : "";
            throw new IllegalArgumentException(where + IoMessages.reason(e) + hint, e);
        }
        if (!existed) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // Left empty; the run writes it.
            }
        }
    }
}
