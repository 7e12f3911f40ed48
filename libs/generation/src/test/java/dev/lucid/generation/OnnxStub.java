package dev.lucid.generation;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes ONNX files that hold only a graph's interface (inputs, outputs, initializer shapes), for importer tests. */
final class OnnxStub {
    private OnnxStub() {
    }

    /** A float tensor value info; dims of -1 are written as symbolic. */
    static ByteString valueInfo(String name, int elemType, long... dims) throws IOException {
        ByteString shape = ByteString.EMPTY;
        for (long d : dims) {
            ByteString dim = d < 0 ? message(w -> w.writeString(2, "n")) : message(w -> w.writeInt64(1, d));
            ByteString prev = shape;
            shape = prev.concat(message(w -> w.writeBytes(1, dim)));
        }
        ByteString finalShape = shape;
        ByteString tensor = message(w -> {
            w.writeInt32(1, elemType);
            w.writeBytes(2, finalShape);
        });
        ByteString type = message(w -> w.writeBytes(1, tensor));
        return message(w -> {
            w.writeString(1, name);
            w.writeBytes(2, type);
        });
    }

    /** Writes a model whose graph has these inputs, outputs and one float initializer of the given shape. */
    static void write(Path file, ByteString[] inputs, ByteString[] outputs, String initializer, long... initDims) throws IOException {
        ByteString graph = message(w -> {
            if (initializer != null) {
                w.writeBytes(5, message(t -> {
                    for (long d : initDims) {
                        t.writeInt64(1, d);
                    }
                    t.writeInt32(2, 1);
                    t.writeString(8, initializer);
                }));
            }
            for (ByteString in : inputs) {
                w.writeBytes(11, in);
            }
            for (ByteString out : outputs) {
                w.writeBytes(12, out);
            }
        });
        Files.createDirectories(file.getParent());
        Files.write(file, message(w -> {
            w.writeInt64(1, 7);
            w.writeBytes(7, graph);
        }).toByteArray());
    }

    interface Body {
        void write(CodedOutputStream w) throws IOException;
    }

    static ByteString message(Body body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream w = CodedOutputStream.newInstance(out);
        body.write(w);
        w.flush();
        return ByteString.copyFrom(out.toByteArray());
    }
}
