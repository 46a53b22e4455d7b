// Writes NAME.br (brotli, quality 11) and NAME.gz (gzip -9) beside each file of the site's
// pkg/ folder. The server sends these as they are to a browser that accepts them (ServeDir's
// precompressed files, server/src/startup.rs): the smallest bytes on the wire, and no
// compression work per request. Run by scripts/build-site.sh.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const folder = process.argv[2];
let raw = 0;
let brotli = 0;
for (const name of readdirSync(folder)) {
  const path = join(folder, name);
  if (name.endsWith(".br") || name.endsWith(".gz") || !statSync(path).isFile()) continue;
  const data = readFileSync(path);
  const br = brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });
  writeFileSync(`${path}.br`, br);
  writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
  raw += data.length;
  brotli += br.length;
}
console.log(`precompress: ${(raw / 1024).toFixed(0)} KiB, ${(brotli / 1024).toFixed(0)} KiB as brotli`);
