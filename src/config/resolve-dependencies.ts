/**
 * Component dependencies (`dependsOn`), resolved and checked: every id names a component of the
 * configuration (an unknown one is an error at its line), and no component depends on itself,
 * directly or through others (a cycle is an error at the entry that closes it, spelled out:
 * `api → database → api`).
 *
 * A component's dependencies are those its group entry lists (`groups[].components[].dependsOn`)
 * and those its checks list (`checks[].dependsOn`, for components that no group declares), in
 * order of first appearance. What a dependency means at run time is src/model/dependencies.ts.
 */
import { formatWhere } from './errors.ts';
import type { Problems } from './problems.ts';
import type { ValidFile } from './resolve.ts';
import { closestMatch } from './suggest.ts';
import type { ResolvedComponent, SourceLocation } from './types.ts';
import { formatPath, type PathKey } from './yaml-source.ts';

/** One `dependsOn` entry: `from` depends on `to`, written at `location`. */
export interface DependencyEdge {
  from: string;
  to: string;
  location: SourceLocation;
  path: string;
}

/** Every `dependsOn` entry of the files, in file order. */
export function dependencyEdges(files: readonly ValidFile[]): DependencyEdge[] {
  const edges: DependencyEdge[] = [];
  const add = (file: ValidFile, from: string, list: readonly string[] | undefined, at: PathKey[]) => {
    (list ?? []).forEach((to, k) => {
      const p = [...at, k];
      edges.push({ from, to, location: file.locate(p), path: formatPath(p) });
    });
  };
  for (const file of files) {
    (file.config.groups ?? []).forEach((group, gi) => {
      group.components.forEach((entry, ci) => {
        if (typeof entry !== 'string') add(file, entry.id, entry.dependsOn, ['groups', gi, 'components', ci, 'dependsOn']);
      });
    });
    (file.config.checks ?? []).forEach((check, i) => add(file, check.component ?? check.id, check.dependsOn, ['checks', i, 'dependsOn']));
  }
  return edges;
}

/**
 * The cycles of a dependency graph, each once, as paths that start and end with the same id
 * (`['a', 'b', 'a']`), with the edge that closes each (the last one walked).
 */
export function findCycles(edges: readonly DependencyEdge[]): { path: string[]; closing: DependencyEdge }[] {
  const out = new Map<string, DependencyEdge[]>();
  for (const e of edges) {
    const list = out.get(e.from) ?? [];
    if (!list.some((x) => x.to === e.to)) list.push(e);
    out.set(e.from, list);
  }
  const cycles: { path: string[]; closing: DependencyEdge }[] = [];
  const seen = new Set<string>();
  const done = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visit = (id: string) => {
    stack.push(id);
    onStack.add(id);
    for (const e of out.get(id) ?? []) {
      if (onStack.has(e.to)) {
        const cycle = [...stack.slice(stack.indexOf(e.to)), e.to];
        // The same cycle found from another of its members is the same cycle: key it by its members in rotation from the smallest.
        const ring = cycle.slice(0, -1);
        const start = ring.indexOf([...ring].sort()[0] as string);
        const key = [...ring.slice(start), ...ring.slice(0, start)].join('\u0000');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push({ path: cycle, closing: e });
        }
      } else if (!done.has(e.to)) {
        visit(e.to);
      }
    }
    stack.pop();
    onStack.delete(id);
    done.add(id);
  };
  for (const e of edges) if (!done.has(e.from)) visit(e.from);
  return cycles;
}

/**
 * Sets `dependsOn` of each component from the files, and reports unknown ids and cycles. A
 * component without any dependency gets none (the field stays absent).
 */
export function resolveDependencies(files: readonly ValidFile[], components: readonly ResolvedComponent[], problems: Problems): void {
  const byId = new Map(components.map((c) => [c.id, c]));
  const ids = components.map((c) => c.id);
  const known: DependencyEdge[] = [];
  for (const e of dependencyEdges(files)) {
    if (!byId.has(e.to)) {
      const guess = closestMatch(e.to, ids);
      problems.error(
        e.location,
        e.path,
        `unknown component "${e.to}" in dependsOn of "${e.from}"${guess ? ` (did you mean "${guess}"?)` : ''}: expected the id of a component of the configuration (${ids.join(', ') || 'none'})`,
      );
      continue;
    }
    known.push(e);
  }
  for (const { path, closing } of findCycles(known)) {
    const first = known.find((e) => e.from === path[0] && e.to === path[1]);
    const also = first && first !== closing ? ` (${path[0]} → ${path[1]} at ${formatWhere(first.location)})` : '';
    problems.error(closing.location, closing.path, `dependency cycle: ${path.join(' → ')}${also}; a component cannot depend on itself, directly or through others`);
  }
  for (const e of known) {
    const comp = byId.get(e.from);
    if (!comp) continue; // a check's component always exists; a group entry too
    const list = (comp.dependsOn ??= []);
    if (!list.includes(e.to)) list.push(e.to);
  }
}
