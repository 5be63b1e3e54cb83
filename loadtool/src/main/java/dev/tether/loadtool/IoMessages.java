package dev.tether.loadtool;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The operating system's reason for a failed file operation, in its own words ({@code No such file or
 * directory}, {@code Permission denied}), for messages that already name the file. Java's
 * {@link NoSuchFileException} and friends carry only the path as their message, so printing
 * {@code getMessage()} says "cannot write X: X".
 */
public final class IoMessages {
    private IoMessages() {
    }

    /** The reason for {@code e}, without the path. */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException) {
            FileSystemException fs = (FileSystemException) e;
            if (fs.getReason() != null && !fs.getReason().isBlank()) {
                return fs.getReason();
            }
            if (e instanceof NoSuchFileException) {
                return "No such file or directory";
            }
            if (e instanceof AccessDeniedException) {
                return "Permission denied";
            }
            if (e instanceof NotDirectoryException) {
                return "Not a directory";
            }
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
