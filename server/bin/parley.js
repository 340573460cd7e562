#!/usr/bin/env node
// The `parley` command. Runs the built relay (`npm run build` or `npm start` builds it).
import { main } from '../dist/cli.js';

await main();
