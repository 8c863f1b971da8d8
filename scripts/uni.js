#!/usr/bin/env node
// Runs the real uni CLI with the project root as its input. The CLI reads
// UNI_INPUT_DIR (default <cwd>/src); it must be absolute, or mp-weixin builds
// silently merge uni_modules code into common/vendor.js (measured on this toolchain; see the team's shared TOOLCHAIN notes).
const path = require('node:path')
process.env.UNI_INPUT_DIR = path.resolve(__dirname, '..')
require('@dcloudio/vite-plugin-uni/bin/uni.js')
