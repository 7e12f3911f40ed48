// Loads the MobileNetV2 model bundled in the nsfwjs package with pure-JS tfjs (CPU backend), dumps its
// layers and the float32 weights tfjs computes with (after uint8 dequantization) to target/nsfwjs/, and
// records nsfwjs's own probabilities for the parity photographs in parity/expected.json.
// Run from the repository root: node deploy/nsfwjs/convert.cjs  (after npm ci in deploy/nsfwjs)
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");
const crypto = require("crypto");
const tf = require("@tensorflow/tfjs");
const nsfwjs = require("nsfwjs");

const HERE = __dirname;
const DUMP = path.join(HERE, "..", "..", "target", "nsfwjs");
const PARITY = path.join(HERE, "parity");
const BUNDLE = path.join(HERE, "node_modules", "nsfwjs", "dist", "models", "mobilenet_v2");
const MAX_PNG_BYTES = 4 << 20;

/** Decodes an 8-bit RGB or RGBA non-interlaced PNG into [height, width, 3] bytes. */
function decodePng(file) {
  const buf = fs.readFileSync(file);
  if (buf.length > MAX_PNG_BYTES) throw new Error(`${file}: larger than ${MAX_PNG_BYTES} bytes`);
  let pos = 8, width = 0, height = 0, channels = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const kind = buf.toString("ascii", pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (kind === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8], color = data[9], interlace = data[12];
      if (depth !== 8 || (color !== 2 && color !== 6) || interlace !== 0) {
        throw new Error(`${file}: only 8-bit RGB/RGBA non-interlaced PNGs are read`);
      }
      channels = color === 2 ? 3 : 4;
    } else if (kind === "IDAT") {
      idat.push(data);
    }
    pos += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const px = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x];
      const a = x >= channels ? px[y * stride + x - channels] : 0;
      const b = y > 0 ? px[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? px[(y - 1) * stride + x - channels] : 0;
      let p;
      switch (filter) {
        case 0: p = 0; break;
        case 1: p = a; break;
        case 2: p = b; break;
        case 3: p = (a + b) >> 1; break;
        case 4: {
          const e = a + b - c, pa = Math.abs(e - a), pb = Math.abs(e - b), pc = Math.abs(e - c);
          p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw new Error(`${file}: bad filter ${filter} on row ${y}`);
      }
      px[y * stride + x] = (v + p) & 0xff;
    }
  }
  const rgb = new Int32Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    for (let k = 0; k < 3; k++) rgb[3 * i + k] = px[channels * i + k];
  }
  return { width, height, rgb };
}

function sha256(file) {
  return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

async function main() {
  await tf.setBackend("cpu");
  const model = await nsfwjs.load("MobileNetV2", { size: 224 });
  const layers = [];
  const chunks = [];
  let offset = 0;
  for (const layer of model.model.layers) {
    const weights = layer.weights.map((w) => {
      const values = w.read().dataSync();
      const bytes = Buffer.from(new Float32Array(values).buffer);
      chunks.push(bytes);
      const entry = { name: w.originalName || w.name, shape: w.shape, offset, length: values.length };
      offset += bytes.length;
      return entry;
    });
    const inbound = layer.inboundNodes.length === 0 ? [] : layer.inboundNodes[0].inboundLayers.map((l) => l.name);
    layers.push({ name: layer.name, class_name: layer.getClassName(), config: layer.getConfig(), inbound, weights });
  }
  const sources = {};
  for (const f of fs.readdirSync(BUNDLE).sort()) sources[f] = sha256(path.join(BUNDLE, f));
  fs.mkdirSync(DUMP, { recursive: true });
  fs.writeFileSync(path.join(DUMP, "weights.bin"), Buffer.concat(chunks));
  fs.writeFileSync(path.join(DUMP, "layers.json"), JSON.stringify({ sources, layers }, null, 1) + "\n");

  const images = [];
  for (const f of fs.readdirSync(PARITY).filter((n) => n.endsWith(".png")).sort()) {
    const img = decodePng(path.join(PARITY, f));
    // nsfwjs's own path: int pixels -> /255 -> resizeBilinear(224, alignCorners) -> model.
    const t = tf.tensor3d(img.rgb, [img.height, img.width, 3], "int32");
    const top = await model.classify(t, 5);
    t.dispose();
    const probabilities = {};
    for (const c of ["Drawing", "Hentai", "Neutral", "Porn", "Sexy"]) {
      probabilities[c] = top.find((x) => x.className === c).probability;
    }
    images.push({ file: f, width: img.width, height: img.height, sha256: sha256(path.join(PARITY, f)), probabilities });
  }
  const expected = {
    source: "nsfwjs 4.4.0 MobileNetV2 (bundled), @tensorflow/tfjs 4.22.0, cpu backend, NSFWJS.classify(image, 5)",
    classes: ["Drawing", "Hentai", "Neutral", "Porn", "Sexy"],
    images,
  };
  fs.writeFileSync(path.join(PARITY, "expected.json"), JSON.stringify(expected, null, 2) + "\n");
  console.log(`${layers.length} layers, ${offset} weight bytes -> ${DUMP}; ${images.length} parity images`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
