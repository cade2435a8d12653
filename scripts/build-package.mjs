// A package's `build`: tsdown with the package's own tsdown.config.ts, through tsdown's API
// rather than its CLI. The CLI prints a deprecation warning on every Node 20 run, although Node 20
// is a supported runtime of these packages (engines >= 20.19), and rolldown's plugin-timing hint
// says nothing about the build itself: five builds printed ten such lines.
import { build } from 'tsdown';

await build({ inputOptions: { checks: { pluginTimings: false } } });
