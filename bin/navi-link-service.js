#!/usr/bin/env node
// The `navi-link-service` command: the service is TypeScript, so register tsx's
// loader first, then run src/cli.ts (the same entry as `npm run server`).
'use strict'
require('tsx/cjs')
require('../src/cli.ts')
