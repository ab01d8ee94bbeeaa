// The layering of DESIGN.md §2 as data plus a checker, so the test can also prove the checker
// catches violations. ESLint enforces the same zones while editing; this runs on every file.
import { builtinModules } from 'node:module';
import { posix } from 'node:path';

const NODE_BUILTINS = new Set(builtinModules);
const UI_PACKAGES = ['electron', 'react', 'react-dom', 'zustand', 'monaco-editor', '@monaco-editor/react'];
const ENGINE_AREAS = ['src/common', 'src/api', 'src/block', 'src/qemu-io', 'src/session'];

export interface ImportRef {
  /** Importing file, relative to the project root with forward slashes. */
  from: string;
  /** The specifier as written. */
  specifier: string;
}

const isNodeBuiltin = (spec: string) => spec.startsWith('node:') || NODE_BUILTINS.has(spec.split('/')[0]!);
const packageName = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
const isUiPackage = (spec: string) => UI_PACKAGES.includes(packageName(spec));
const under = (file: string, dir: string) => file === dir || file.startsWith(dir + '/');

/** Project-relative target of a relative specifier, or undefined for packages. */
export function resolveTarget(ref: ImportRef): string | undefined {
  if (!ref.specifier.startsWith('.')) return undefined;
  return posix.normalize(posix.join(posix.dirname(ref.from), ref.specifier));
}

/** The driver folder a file belongs to (src/block/drivers/<name>), if any. */
function driverOf(file: string): string | undefined {
  const m = /^src\/block\/drivers\/([^/]+)\//.exec(file);
  return m ? `src/block/drivers/${m[1]}` : undefined;
}

/** Returns why this import breaks the layering, or undefined when it is allowed. */
export function violation(ref: ImportRef): string | undefined {
  const { from, specifier } = ref;
  const target = resolveTarget(ref);

  if (ENGINE_AREAS.some((a) => under(from, a))) {
    if (isNodeBuiltin(specifier)) return 'the engine may not use Node APIs';
    if (isUiPackage(specifier)) return 'the engine may not import Electron/React/zustand/Monaco';
    if (target && !ENGINE_AREAS.some((a) => under(target, a))) return `the engine may not import ${target}`;
    const driver = driverOf(from);
    if (driver && target && under(target, 'src/block/drivers') && !under(target, driver)) {
      return `a driver may not import another driver (${target})`;
    }
    return undefined;
  }
  if (under(from, 'renderer')) {
    if (isNodeBuiltin(specifier)) return 'the renderer may not use Node APIs';
    if (packageName(specifier) === 'electron') return 'the renderer may not import electron';
    if (target && !under(target, 'renderer') && !under(target, 'src/api') && !under(target, 'src/common')) {
      return `the renderer may import only src/api and src/common, not ${target}`;
    }
    return undefined;
  }
  if (under(from, 'main')) {
    if (isUiPackage(specifier) && packageName(specifier) !== 'electron') return 'main/ is the Electron shell, not UI';
    const allowed = ['main', 'src/session', 'src/api', 'src/host', 'src/common'];
    if (target && !allowed.some((a) => under(target, a))) return `main/ may import only src/session, src/api, src/host and src/common, not ${target}`;
    return undefined;
  }
  return undefined;
}
