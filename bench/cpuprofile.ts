// Where does the time go? Summarizes a V8 .cpuprofile (from `node --cpu-prof`) by function: self and inclusive time.
//   npx tsx --cpu-prof --cpu-prof-dir=.bench-prof bench/index.ts
//   npx tsx bench/cpuprofile.ts .bench-prof/<biggest>.cpuprofile [top=30] [only-stacks-containing]
// The optional filter keeps samples whose stack has a function or file matching it (e.g. `socket.ts`, `afterHistory`).
// Under tsx, line numbers are those of the transpiled module; function names and files are exact.
import { readFileSync } from 'node:fs'

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

function summarize(profile: Profile, top = 30, filter?: string): string {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const timeOf = new Map<number, number>()
  profile.samples.forEach((id, i) => timeOf.set(id, (timeOf.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  const label = (n: ProfileNode) =>
    `${n.callFrame.functionName || '(anonymous)'}  ${n.callFrame.url.replace(/^file:\/\//, '').replace(/^.*?\/(src|bench|server|testkit|node_modules)\//, '$1/') || '(native)'}`
  const self = new Map<string, number>()
  const incl = new Map<string, number>()
  let total = 0
  for (const [id, t] of timeOf) {
    const stack: ProfileNode[] = []
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) stack.push(nodes.get(x)!)
    if (filter && !stack.some((n) => n.callFrame.functionName === filter || n.callFrame.url.includes(filter))) continue
    if (!filter && stack[0].callFrame.functionName === '(idle)') continue
    total += t
    const l = label(stack[0])
    self.set(l, (self.get(l) ?? 0) + t)
    for (const k of new Set(stack.map(label))) incl.set(k, (incl.get(k) ?? 0) + t)
  }
  const table = (m: Map<string, number>, title: string) => [
    `--- ${title} (of ${(total / 1000).toFixed(0)} ms${filter ? ` under "${filter}"` : ', idle excluded'})`,
    ...[...m].sort((a, b) => b[1] - a[1]).slice(0, top)
      .map(([k, v]) => `${(v / 1000).toFixed(1).padStart(9)} ms ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`),
  ]
  return [...table(self, 'self time'), '', ...table(incl, 'inclusive time')].join('\n')
}

const [file, top, filter] = process.argv.slice(2)
if (!file) {
  console.error('usage: tsx bench/cpuprofile.ts <file.cpuprofile> [top] [filter]')
  process.exit(2)
}
console.log(summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(top) || 30, filter))
