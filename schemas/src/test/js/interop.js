// What a JavaScript service does with cachesync's events, through @kafkajs/confluent-schema-registry (the schema
// registry client kafkajs users take): decode a record the Java serializer wrote, register the repository's .avsc
// under the same subject, and encode a record of its own. Prints one JSON object; JavaScriptClientInteropTest
// checks it. Usage: node interop.js <registryUrl> <subject> <avscFile> <recordWrittenByJavaAsBase64>
const { SchemaRegistry, COMPATIBILITY, readAVSCAsync } = require('@kafkajs/confluent-schema-registry');

async function main() {
  const [url, subject, avscFile, javaRecord] = process.argv.slice(2);
  const registry = new SchemaRegistry({ host: url });
  const decoded = await registry.decode(Buffer.from(javaRecord, 'base64'));
  // As the library's README reads an .avsc: parsed, sent as JSON.stringify of it (compact, keys in file order).
  const avsc = await readAVSCAsync(avscFile);
  const lookedUpId = await registry.getRegistryIdBySchema(subject, avsc);
  // The client compares its expected compatibility with the subject's; Apicurio reports NONE for a subject
  // without its own level (the global level, BACKWARD, still applies).
  const { id } = await registry.register(avsc, { subject, compatibility: COMPATIBILITY.NONE });
  const own = { ...decoded, source: 'kafkajs' };
  const encoded = await registry.encode(id, own);
  process.stdout.write(JSON.stringify({ decoded, lookedUpId, registeredId: id, encoded: encoded.toString('base64') }));
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
