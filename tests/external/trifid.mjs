// Start Trifid with trifid.yaml on 127.0.0.1:PORT: node tests/external/trifid.mjs PORT
// (DATASET_BASE_URL and SPARQL_ENDPOINT_URL in the environment, as trifid.yaml says).
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import trifid from 'trifid-core'

const here = dirname(fileURLToPath(import.meta.url))
const port = Number(process.argv[2])
const instance = await trifid({
  extends: [join(here, 'trifid.yaml')],
  server: { listener: { host: '127.0.0.1', port } },
})
await instance.start()
console.log(`trifid listening on http://127.0.0.1:${port}/`)
