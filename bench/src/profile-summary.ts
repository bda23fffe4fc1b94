import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** The hottest functions of one `.cpuprofile`, by self time. */
export interface ProfileSummary {
  scenario: string;
  file: string;
  /** Sampled time the process was not idle, ms. */
  busyMs: number;
  top: { selfPercent: number; name: string; where: string }[];
  /** Self time grouped by package (node_modules name, workspace package, or node internals); native
   * frames count for the package that called them. */
  byPackage: { selfPercent: number; name: string }[];
}

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

export function summariseProfile(path: string, scenario: string, topN = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const nodeById = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
  // Native frames and Node's own modules (socket writes, streams, hashing) are charged to the
  // nearest caller outside Node: the library that asked for the work.
  const callerUrlOf = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const url = nodeById.get(at)?.callFrame.url;
      if (url && !url.startsWith('node:')) return url;
    }
    return '';
  };
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const byFunction = new Map<string, { us: number; name: string; where: string }>();
  const byPackage = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const node = nodeById.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    busy += us;
    const name = functionName || '(anonymous)';
    const where = url ? `${shorten(url)}:${lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const entry = byFunction.get(key) ?? { us: 0, name, where };
    entry.us += us;
    byFunction.set(key, entry);
    const pkg = packageOf(url && !url.startsWith('node:') ? url : callerUrlOf(id) || url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const percent = (us: number) => (busy === 0 ? 0 : (us / busy) * 100);
  return {
    scenario,
    file: basename(path),
    busyMs: Math.round(busy / 1000),
    top: [...byFunction.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, topN)
      .map((f) => ({ selfPercent: percent(f.us), name: f.name, where: f.where })),
    byPackage: [...byPackage.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([name, us]) => ({ selfPercent: percent(us), name })),
  };
}

function shorten(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) return path.slice(nm + '/node_modules/'.length);
  const ws = path.search(/\/(packages|services)\//);
  if (ws >= 0) return path.slice(ws + 1);
  return path;
}

function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const ws = /\/(packages|services)\/([^/]+)\//.exec(path);
  if (ws) return `@gatehouse/${ws[2]}`;
  return path;
}
