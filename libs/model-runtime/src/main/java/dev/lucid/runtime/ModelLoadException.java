package dev.lucid.runtime;

/** A model directory that cannot be served; the message is the reason shown in RepositoryIndex. */
public class ModelLoadException extends Exception {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
