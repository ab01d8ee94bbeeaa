import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

// The command-line tools, bundled into one CommonJS file each so `blkstudio-io` starts fast
// (no TypeScript loader at run time, one module to read).
export default defineConfig({
  build: {
    outDir: 'out/cli',
    emptyOutDir: true,
    ssr: true,
    target: 'node20',
    minify: false,
    sourcemap: true,
    rollupOptions: {
      input: {
        'blkstudio-io': 'src/cli/blkstudio-io.ts',
        blkstudio: 'src/cli/blkstudio.ts',
        'blkstudio-img': 'src/cli/blkstudio-img.ts',
        'blkstudio-nbd': 'src/cli/blkstudio-nbd.ts',
      },
      external: [...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'electron', 'koffi'],
      output: { format: 'cjs', entryFileNames: '[name].cjs' },
    },
  },
});
