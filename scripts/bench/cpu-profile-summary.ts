import { readFileSync } from 'node:fs';

/**
 * Sums a V8 .cpuprofile (node --cpu-prof, or the benches' --cpu-profile) by self time: the
 * functions and the files (node_modules packages grouped by package) that the samples were in.
 *
 *   npx tsx scripts/bench/cpu-profile-summary.ts FILE [top=25]
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
}

/** Where a frame's code lives: a package under node_modules, a project file, or node's own. */
export function moduleOf(url: string): string {
  if (url === '') return '(native / V8)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return `npm:${rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  if (url.startsWith('node:')) return url;
  const project = url.search(/\/(src|scripts|test)\//);
  return project === -1 ? url : url.slice(project + 1);
}

/** Self time by function and by module, each sorted by time, and the sampled total. */
export function summarise(profile: CpuProfile): { totalMs: number; byFunction: SelfTime[]; byModule: SelfTime[] } {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    // The first sample's delta runs from the profiler's start, not from an earlier sample: it
    // stands for the start itself (hundreds of ms on a loaded machine), not for the code profiled.
    if (i === 0) return;
    const node = nodes.get(id);
    // The delta before a sample is the time it stands for (V8's own convention).
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    if (node === undefined) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const module = moduleOf(url);
    const name = `${functionName || '(anonymous)'} ${module}${url === '' ? '' : `:${lineNumber + 1}`}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    byModule.set(module, (byModule.get(module) ?? 0) + ms);
    totalMs += ms;
  });
  const sorted = (map: Map<string, number>): SelfTime[] => [...map].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
  return { totalMs, byFunction: sorted(byFunction), byModule: sorted(byModule) };
}

if (require.main === module) {
  const [file, topArg] = process.argv.slice(2);
  if (file === undefined) throw new Error('usage: cpu-profile-summary.ts FILE [top=25]');
  const top = Number(topArg ?? 25);
  const { totalMs, byFunction, byModule } = summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  const line = ({ name, ms }: SelfTime): string => `${ms.toFixed(1).padStart(9)} ms ${((ms / totalMs) * 100).toFixed(1).padStart(5)}%  ${name}`;
  console.log(`sampled ${totalMs.toFixed(0)} ms (idle included: "(idle)" is waiting for I/O)\n\nself time by module:`);
  for (const entry of byModule.slice(0, top)) console.log(line(entry));
  console.log('\nself time by function:');
  for (const entry of byFunction.slice(0, top)) console.log(line(entry));
}
