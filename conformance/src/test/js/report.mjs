// Scores a cache-tests run the way cache-tests.fyi does (lib/display.mjs determineTestResult: a test passes only
// when the tests it depends on pass) and writes the Markdown report.
//
// node report.mjs <suite dir> <cachesync results.json> <deviations.tsv> <report.md> <passing.txt> <header.md>
import fs from 'fs'
import path from 'path'
import { pathToFileURL } from 'url'

const [suiteDir, ourFile, deviationsFile, reportFile, passingFile, headerFile] = process.argv.slice(2)
const load = rel => import(pathToFileURL(path.join(suiteDir, rel)).href).then(m => m.default)

const suites = await load('tests/index.mjs')
suites.push(await load('tests/surrogate-control.mjs')) // the CLI runs these too (cli.mjs)
const index = await load('results/index.mjs')

// the tests the CLI runs against a proxy: browser_only ones are left out (client/runner.mjs)
const tests = new Map()
for (const suite of suites) {
  for (const test of suite.tests) {
    if (test.browser_only !== true) tests.set(test.id, { ...test, suite: suite.name, kind: test.kind || 'required' })
  }
}

function passes (id, results, seen = new Set()) {
  const test = tests.get(id)
  const result = results[id]
  if (test === undefined || result === undefined || seen.has(id)) return false
  seen.add(id)
  for (const dep of test.depends_on || []) {
    if (!passes(dep, results, seen)) return false
  }
  return result === true
}

const kinds = ['required', 'optimal', 'check']
function score (results) {
  const counts = { required: 0, optimal: 0, check: 0 }
  for (const [id, test] of tests) {
    if (passes(id, results)) counts[test.kind]++
  }
  return counts
}
const totals = { required: 0, optimal: 0, check: 0 }
for (const test of tests.values()) totals[test.kind]++

const ours = JSON.parse(fs.readFileSync(ourFile, 'utf8'))
const deviations = new Map()
for (const line of fs.readFileSync(deviationsFile, 'utf8').split('\n')) {
  if (line.trim() === '' || line.startsWith('#')) continue
  const tab = line.indexOf('\t')
  deviations.set(line.slice(0, tab).trim(), line.slice(tab + 1).trim())
}

const rows = [{ name: '**cachesync**', type: 'this run', version: '', counts: score(ours) }]
for (const item of index) {
  if (item.type !== 'rev-proxy' && item.type !== 'cdn') continue
  const results = JSON.parse(fs.readFileSync(path.join(suiteDir, 'results', item.file), 'utf8'))
  rows.push({ name: item.name, type: item.type, version: item.version || '', counts: score(results) })
}

const out = []
out.push(fs.readFileSync(headerFile, 'utf8').trimEnd(), '')
out.push('## Pass counts', '')
out.push(`Tests the suite's CLI runs against a proxy (browser-only tests left out): ${totals.required} required, ` +
  `${totals.optimal} optimal, ${totals.check} check. A test counts as passed when it and every test it depends on ` +
  'pass (as on cache-tests.fyi). Published results are the `results/*.json` shipped in http-cache-tests 0.4.5; ' +
  'a test a published run did not include counts as not passed.', '')
out.push('| cache | type | version | required | optimal | check |', '|---|---|---|---:|---:|---:|')
for (const r of rows) {
  out.push(`| ${r.name} | ${r.type} | ${r.version} | ` +
    kinds.map(k => `${r.counts[k]}/${totals[k]}`).join(' | ') + ' |')
}
out.push('')
out.push('## Tests cachesync does not pass', '')
out.push('"check" tests record a behaviour without judging it; they are listed for completeness.', '')
out.push('| test | kind | reason |', '|---|---|---|')
const passing = []
const unexplained = []
for (const [id, test] of tests) {
  if (passes(id, ours)) {
    passing.push(id)
    continue
  }
  let reason = deviations.get(id)
  if (reason === undefined) {
    const r = ours[id]
    const detail = r === undefined ? 'not run' : Array.isArray(r) ? r.join(': ') : String(r)
    reason = (test.depends_on || []).some(d => !passes(d, ours))
      ? `depends on ${test.depends_on.filter(d => !passes(d, ours)).join(', ')}, which does not pass`
      : `not analysed yet (suite says: ${detail.replace(/\|/g, '\\|').replace(/\n/g, ' ')})`
    if (test.kind !== 'check') unexplained.push(id)
  }
  out.push(`| \`${id}\` | ${test.kind} | ${reason} |`)
}
fs.writeFileSync(reportFile, out.join('\n') + '\n')
fs.writeFileSync(passingFile, passing.sort().join('\n') + '\n')
console.log(JSON.stringify({ counts: rows[0].counts, totals, passing: passing.length, unexplained }))
