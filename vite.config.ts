import { defineConfig } from 'vite'
import uni from '@dcloudio/vite-plugin-uni'
import { naviKit } from './src/build/vite-plugin'

export default defineConfig({
  plugins: [uni(), naviKit()],
})
