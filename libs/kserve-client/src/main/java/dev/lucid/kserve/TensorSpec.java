package dev.lucid.kserve;

/** Name, datatype and shape pattern (-1 = any size) of a model's input or output, as metadata gives it. */
public record TensorSpec(String name, DataType dataType, TensorShape shape) {
}
