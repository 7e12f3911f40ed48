package dev.lucid.kserve;

/** A tensor whose data does not agree with its datatype or shape; the message names the tensor. */
public class TensorFormatException extends IllegalArgumentException {
    public TensorFormatException(String message) {
        super(message);
    }
}
