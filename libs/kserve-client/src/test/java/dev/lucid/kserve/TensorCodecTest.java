package dev.lucid.kserve;

import com.google.protobuf.ByteString;
import inference.GrpcService.InferTensorContents;
import inference.GrpcService.ModelInferRequest;
import inference.GrpcService.ModelInferResponse;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TensorCodecTest {

    @Test
    void bytesElementsUseFourByteLittleEndianLengths() {
        ByteBuffer b = TensorCodec.encodeBytesElements("ab".getBytes(), new byte[0], new byte[]{(byte) 0xff});
        byte[] raw = new byte[b.remaining()];
        b.get(raw);
        assertArrayEquals(new byte[]{2, 0, 0, 0, 'a', 'b', 0, 0, 0, 0, 1, 0, 0, 0, (byte) 0xff}, raw);
    }

    @Test
    void bytesRoundTripIncludingEmptyStrings() {
        Tensor t = Tensor.ofStrings("s", TensorShape.of(2, 2), "", "x", "ünï", "");
        Tensor back = roundTrip(t);
        assertArrayEquals(new String[]{"", "x", "ünï", ""}, back.strings());
        assertEquals(TensorShape.of(2, 2), back.shape());
    }

    @Test
    void zeroSizedDimensionsHaveNoData() {
        Tensor f = Tensor.ofFloats("z", TensorShape.of(0, 16));
        assertEquals(0, f.byteSize());
        assertEquals(0, roundTrip(f).floats().length);
        Tensor s = Tensor.ofStrings("z", TensorShape.of(3, 0));
        assertEquals(0, roundTrip(s).strings().length);
    }

    @Test
    void everyFixedTypeRoundTrips() {
        assertArrayEquals(new float[]{1.5f, -2f, Float.MAX_VALUE},
                roundTrip(Tensor.ofFloats("f", TensorShape.of(3), 1.5f, -2f, Float.MAX_VALUE)).floats());
        assertArrayEquals(new double[]{Math.PI}, roundTrip(Tensor.ofDoubles("d", TensorShape.of(1), Math.PI)).doubles());
        assertArrayEquals(new int[]{Integer.MIN_VALUE, 0, 7},
                roundTrip(Tensor.ofInts("i", TensorShape.of(1, 3), Integer.MIN_VALUE, 0, 7)).ints());
        assertArrayEquals(new long[]{Long.MAX_VALUE, -1},
                roundTrip(Tensor.ofLongs("l", TensorShape.of(2), Long.MAX_VALUE, -1)).longs());
        assertArrayEquals(new byte[]{0, (byte) 200, (byte) 255},
                roundTrip(Tensor.ofUint8("u", TensorShape.of(3), (byte) 0, (byte) 200, (byte) 255)).uint8());
        assertArrayEquals(new boolean[]{true, false},
                roundTrip(Tensor.ofBools("b", TensorShape.of(2), true, false)).bools());
        assertArrayEquals(new float[]{0.5f, -1024f, 65504f},
                roundTrip(Tensor.ofHalfs("h", TensorShape.of(3), 0.5f, -1024f, 65504f)).floats());
        assertArrayEquals(new float[]{1f, -3f},
                roundTrip(Tensor.ofBfloat16s("bf", TensorShape.of(2), 1f, -3f)).floats());
    }

    @Test
    void rawIsLittleEndianRowMajor() {
        Tensor t = Tensor.ofInts("i", TensorShape.of(2, 2), 1, 2, 3, 0x01020304);
        ByteString raw = TensorCodec.toByteString(t);
        assertEquals(16, raw.size());
        assertEquals(1, raw.byteAt(0));
        assertEquals(3, raw.byteAt(8));
        assertEquals(0x04, raw.byteAt(12));
        assertEquals(0x01, raw.byteAt(15));
    }

    @Test
    void truncatedFixedBufferNamesTheTensor() {
        TensorFormatException e = assertThrows(TensorFormatException.class, () ->
                TensorCodec.fromRaw("INPUT0", "FP32", List.of(2L, 2L), ByteString.copyFrom(new byte[12])));
        assertEquals("tensor 'INPUT0': FP32 shape [2, 2] needs 16 bytes, got 12", e.getMessage());
    }

    @Test
    void truncatedBytesLengthAndPayloadAreReported() {
        TensorFormatException len = assertThrows(TensorFormatException.class, () ->
                TensorCodec.fromRaw("t", "BYTES", List.of(2L), ByteString.copyFrom(new byte[]{1, 0, 0, 0, 'a', 5, 0})));
        assertEquals("tensor 't': BYTES element 1 is truncated: expected a 4-byte length, 2 bytes left",
                len.getMessage());
        TensorFormatException payload = assertThrows(TensorFormatException.class, () ->
                TensorCodec.fromRaw("t", "BYTES", List.of(1L), ByteString.copyFrom(new byte[]{9, 0, 0, 0, 'a'})));
        assertEquals("tensor 't': BYTES element 0 declares 9 bytes but only 1 remain", payload.getMessage());
        TensorFormatException extra = assertThrows(TensorFormatException.class, () ->
                TensorCodec.fromRaw("t", "BYTES", List.of(1L), ByteString.copyFrom(new byte[]{0, 0, 0, 0, 'z'})));
        assertEquals("tensor 't': 1 unexpected bytes after 1 BYTES elements", extra.getMessage());
    }

    @Test
    void hugeDeclaredLengthDoesNotAllocate() {
        byte[] raw = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        TensorFormatException e = assertThrows(TensorFormatException.class, () ->
                TensorCodec.fromRaw("t", "BYTES", List.of(1L), ByteString.copyFrom(raw)));
        assertEquals("tensor 't': BYTES element 0 declares 4294967295 bytes but only 0 remain", e.getMessage());
    }

    @Test
    void unknownDatatypeAndNegativeShape() {
        assertEquals("tensor 'x': unknown datatype 'fp32'", assertThrows(TensorFormatException.class, () ->
                TensorCodec.fromRaw("x", "fp32", List.of(1L), ByteString.EMPTY)).getMessage());
        assertEquals("tensor 'x': shape [-1, 2] has a variable dimension", assertThrows(TensorFormatException.class, () ->
                TensorCodec.fromRaw("x", "FP32", List.of(-1L, 2L), ByteString.EMPTY)).getMessage());
    }

    @Test
    void typedContentsConvertToRaw() {
        InferTensorContents c = InferTensorContents.newBuilder().addUintContents(7).addUintContents(255).build();
        Tensor t = TensorCodec.fromContents("u", "UINT8", List.of(2L), c);
        assertArrayEquals(new byte[]{7, (byte) 255}, t.uint8());
        InferTensorContents s = InferTensorContents.newBuilder()
                .addBytesContents(ByteString.copyFromUtf8("a")).addBytesContents(ByteString.EMPTY).build();
        assertArrayEquals(new String[]{"a", ""}, TensorCodec.fromContents("s", "BYTES", List.of(2L), s).strings());
        TensorFormatException e = assertThrows(TensorFormatException.class, () ->
                TensorCodec.fromContents("f", "FP32", List.of(3L), InferTensorContents.newBuilder().addFp32Contents(1).build()));
        assertEquals("tensor 'f': fp32_contents has 1 elements, shape needs 3", e.getMessage());
        assertThrows(TensorFormatException.class, () ->
                TensorCodec.fromContents("h", "FP16", List.of(1L), InferTensorContents.getDefaultInstance()));
    }

    @Test
    void requestCarriesOneRawEntryPerInputInOrder() {
        ModelInferRequest r = InferenceRequest.builder("m").input(Tensor.ofFloats("a", TensorShape.of(1), 1f))
                .input(Tensor.ofStrings("b", TensorShape.of(1), "hi")).output("o").build().toProto();
        assertEquals(2, r.getRawInputContentsCount());
        assertEquals("BYTES", r.getInputs(1).getDatatype());
        assertEquals(6, r.getRawInputContents(1).size());
        assertEquals(false, r.getInputs(0).hasContents());
        List<Tensor> decoded = TensorCodec.decodeInputs(r);
        assertEquals("hi", decoded.get(1).strings()[0]);
    }

    @Test
    void rawEntryCountMustMatchInputs() {
        ModelInferRequest r = ModelInferRequest.newBuilder()
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("a").setDatatype("FP32").addShape(1))
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("b").setDatatype("FP32").addShape(1))
                .addRawInputContents(ByteString.copyFrom(new byte[4])).build();
        assertEquals("expected 2 raw_input_contents entries (one per input), got 1",
                assertThrows(TensorFormatException.class, () -> TensorCodec.decodeInputs(r)).getMessage());
    }

    @Test
    void responseDecodesRawOutputs() {
        ModelInferResponse.Builder b = ModelInferResponse.newBuilder().setModelName("m");
        TensorCodec.addRawOutput(b, Tensor.ofLongs("x", TensorShape.of(2), 5, 6));
        InferenceResult r = InferenceResult.fromProto(b.build());
        assertArrayEquals(new long[]{5, 6}, r.output("x").longs());
        assertThrows(IllegalArgumentException.class, () -> r.output("y"));
    }

    @Test
    void readingTheWrongTypeFails() {
        Tensor t = Tensor.ofInts("i", TensorShape.of(1), 1);
        assertEquals("tensor 'i' is INT32, cannot read longs",
                assertThrows(IllegalStateException.class, t::longs).getMessage());
    }

    private static Tensor roundTrip(Tensor t) {
        ByteBuffer copy = ByteBuffer.allocate(t.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(t.rawData()).flip();
        return TensorCodec.fromRaw(t.name(), t.dataType().wireName(), TensorCodec.boxed(t.shape()),
                ByteString.copyFrom(copy));
    }
}
