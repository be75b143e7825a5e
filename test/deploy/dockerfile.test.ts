import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Docker cannot run on the test machine, so the Dockerfile is read, not built: its stages, what each one
// runs, and whether the runtime stage has every file the app reads at run time.

const root = resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** Instructions with line continuations joined and comments dropped, grouped by FROM. */
function readDockerfile(): { args: Record<string, string>; stages: Stage[] } {
  const text = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const logical: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue;
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    current += line;
    if (current.trim()) logical.push(current.trim());
    current = '';
  }
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword, rest] = /^(\S+)\s*(.*)$/.exec(line)!;
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const [, from, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest)!;
      stages.push({ from: from.replace(/\$\{(\w+)\}/g, (_, n) => args[n] ?? ''), name, instructions: [] });
    } else if (stages.length === 0) {
      expect(upper).toBe('ARG');
      const [, n, v] = /^(\w+)=(.*)$/.exec(rest)!;
      args[n] = v;
    } else {
      stages[stages.length - 1].instructions.push({ keyword: upper, args: rest });
    }
  }
  return { args, stages };
}

const { stages } = readDockerfile();
const runtime = stages[stages.length - 1];

/** The stage with that name, and every stage it is built FROM. */
function lineage(name: string): Stage[] {
  const stage = stages.find((s) => s.name === name);
  if (!stage) return [];
  return [stage, ...lineage(stage.from)];
}

const runs = (stage: Stage) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const all = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
const envOf = (stage: Stage): Record<string, string> =>
  Object.fromEntries(all(stage, 'ENV').flatMap((i) => [...i.args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]])));

function workdir(stage: Stage): string {
  return all(stage, 'WORKDIR').at(-1)?.args ?? '/';
}

/** COPY instructions of a stage: the sources, the destination (absolute) and the --from stage, if any. */
function copies(stage: Stage) {
  return all(stage, 'COPY').map((i) => {
    const words = i.args.split(/\s+/);
    const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
    const paths = words.filter((w) => !w.startsWith('--'));
    const dest = paths.pop()!;
    return { from, sources: paths, dest: posix.resolve(workdir(stage), dest) };
  });
}

/** Every `projectPath('a', 'b')` in src/: the folders the app reads from the project root at run time. */
function runtimeReadPaths(): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (name.endsWith('.ts') && name !== 'project-root.ts') {
        for (const m of readFileSync(file, 'utf8').matchAll(/projectPath\(([^)]*)\)/g)) {
          const parts = [...m[1].matchAll(/'([^']+)'/g)].map((p) => p[1]);
          expect(parts.length, `${file}: projectPath(${m[1]}) should name its path with string literals`).toBeGreaterThan(0);
          found.add(parts.join('/'));
        }
      }
    }
  };
  walk(join(root, 'src'));
  return [...found].sort();
}

/** Last match wins, as in Docker; `*` within a path segment, `**` across segments. */
function dockerignored(path: string): boolean {
  const patterns = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const toRegex = (p: string) =>
    new RegExp(
      '^' +
        p
          .replace(/^\/+|\/+$/g, '')
          .split('**')
          .map((part) =>
            part
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replace(/\*/g, '[^/]*')
              .replace(/\?/g, '[^/]'),
          )
          .join('.*') +
        '(/.*)?$',
    );
  let ignored = false;
  for (const p of patterns) {
    const negated = p.startsWith('!');
    if (toRegex(negated ? p.slice(1) : p).test(path)) ignored = !negated;
  }
  return ignored;
}

describe('Dockerfile', () => {
  it('is multi-stage on one Debian-based Node 20 image, so a native module built in one stage runs in the last', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const bases = new Set(stages.filter((s) => !stages.some((t) => t.name === s.from)).map((s) => s.from));
    expect([...bases]).toHaveLength(1);
    expect([...bases][0]).toMatch(/^node:20(\.\d+)*-(bookworm|bullseye|trixie)(-slim)?$/);
    expect(runtime.from).toBe([...bases][0]);
  });

  it('builds with dev dependencies in one stage and installs production dependencies alone for the runtime', () => {
    const build = stages.find((s) => lineage(s.name ?? '').some((l) => runs(l).some((r) => /\bnpm run build\b/.test(r))));
    expect(build, 'a stage runs npm run build').toBeDefined();
    const buildRuns = lineage(build!.name!).flatMap(runs);
    expect(buildRuns.some((r) => /\bnpm ci\b/.test(r) && !/--omit=dev/.test(r))).toBe(true);

    const prodDeps = stages.find((s) => runs(s).some((r) => /\bnpm ci\b.*--omit=dev/.test(r)));
    expect(prodDeps, 'a stage runs npm ci --omit=dev').toBeDefined();
    expect(prodDeps).not.toBe(runtime);
    const nodeModules = copies(runtime).filter((c) => c.sources.some((s) => s.endsWith('node_modules')));
    expect(nodeModules.map((c) => c.from)).toEqual([prodDeps!.name]);
    expect(copies(runtime).find((c) => c.sources.some((s) => s.endsWith('/dist')))?.from).toBe(build!.name);
  });

  it('has no compiler or package manager installs in the runtime stage', () => {
    expect(runs(runtime).filter((r) => /apt-get|\bnpm (ci|install)\b|g\+\+|python/.test(r))).toEqual([]);
    expect(lineage(runtime.name ?? '')).toEqual([runtime]);
  });

  it('runs as the unprivileged node user', () => {
    const users = all(runtime, 'USER').map((i) => i.args);
    expect(users.at(-1)).toBe('node');
    // Nothing after USER switches back or needs root.
    const afterUser = runtime.instructions.slice(runtime.instructions.map((i) => i.keyword).lastIndexOf('USER') + 1);
    expect(afterUser.filter((i) => i.keyword === 'RUN' || i.keyword === 'USER')).toEqual([]);
  });

  it('starts as npm start does, with node and no npm, and checks its health on /healthz', () => {
    const cmd = all(runtime, 'CMD');
    expect(cmd).toHaveLength(1);
    const argv = JSON.parse(cmd[0].args);
    expect(argv).toEqual(['node', '--disable-warning=DEP0111', 'dist/index.js']);
    expect(argv.join(' ')).toBe(pkg.scripts.start);
    expect(argv.at(-1)).toBe(pkg.main);

    const health = all(runtime, 'HEALTHCHECK');
    expect(health).toHaveLength(1);
    const [, healthArgv] = /\bCMD\s+(\[.*\])$/.exec(health[0].args)!;
    const [node, flag, script] = JSON.parse(healthArgv);
    expect([node, flag]).toEqual(['node', '-e']);
    expect(script).toContain("'/healthz'");
    expect(script).toContain('process.env.PORT||3978');
    expect(script).toContain('process.exit(r.ok?0:1)');
  });

  it('listens on all interfaces on 3978 and keeps SQLite state in a volume the node user can write', () => {
    const env = envOf(runtime);
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.PORT).toBe('3978');
    expect(all(runtime, 'EXPOSE').map((i) => i.args)).toEqual(['3978']);
    expect(env.DATA_DIR).toMatch(/^\//);
    expect(all(runtime, 'VOLUME').flatMap((i) => JSON.parse(i.args))).toEqual([env.DATA_DIR]);
    expect(runs(runtime).some((r) => r.includes(`chown node:node ${env.DATA_DIR}`))).toBe(true);
  });

  it('copies into the runtime stage every path the app reads at run time (every projectPath() in src/)', () => {
    const paths = runtimeReadPaths();
    expect(paths).toEqual(expect.arrayContaining(['cards', 'playground', 'src/knowledge/locales', 'src/render/locales']));
    const app = workdir(runtime);
    const copied = copies(runtime).map((c) => posix.relative(app, c.dest));
    const missing = paths.filter((p) => !copied.some((c) => p === c || p.startsWith(c + '/')));
    expect(missing).toEqual([]);
    // dist/ sits next to them: project-root.ts resolves the root as the folder above dist/.
    expect(copied).toContain('dist');
  });

  it('sends the build context every file the stages copy from it, and nothing the image does not need', () => {
    const fromContext = stages.flatMap((s) =>
      copies(s)
        .filter((c) => !c.from)
        .flatMap((c) => c.sources),
    );
    expect(fromContext).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'src', 'cards', 'playground']));
    for (const source of fromContext) {
      expect(statSync(join(root, source)), source).toBeTruthy();
      expect(dockerignored(source), `${source} is excluded by .dockerignore`).toBe(false);
    }
    for (const source of runtimeReadPaths()) expect(dockerignored(source), source).toBe(false);
    for (const secretOrBulky of ['.env', 'node_modules', 'dist', 'data', '.git', 'test']) expect(dockerignored(secretOrBulky), secretOrBulky).toBe(true);
  });
});
