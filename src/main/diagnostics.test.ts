import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { diagnosticsText } from './diagnostics'
import { createLog } from './log'

describe('Copy diagnostics (issue 13)', () => {
  it('says versions, OS, connection and the last errors — and nothing personal', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cht-diag-'))
    try {
      const token = 'aa11bb22cc33dd44ee55ff66aa77bb88'
      const log = createLog({ dir, home: '/home/mehdi' })
      log.addSecret(token)
      log.error('rest.failed', new Error(`Authorization ${token} rejected for mehdi.karimi@example.ir`))
      log.error('json', new SyntaxError('Unexpected token, "سلام، قرارداد پیوست است" is not valid JSON'))
      log.warn('renderer.unresponsive')
      const text = diagnosticsText({
        app: { version: '0.1.0', packaged: true },
        versions: { electron: '45.5.0', chrome: '140.0.7339.0', node: '24.21.0', v8: '14.0' },
        os: { platform: 'win32', release: '10.0.26100', arch: 'x64' },
        locale: 'fa',
        connection: { status: 'offline', retryAt: Date.UTC(2026, 10, 24, 9, 1) },
        server: 'https://cht.example.org',
        rendererCrashes: 1,
        uptimeMs: 75 * 60_000,
        recentErrors: log.recent(),
      })
      expect(text).toContain('cht 0.1.0')
      expect(text).toContain('Electron 45.5.0 · Chromium 140.0.7339.0 · Node 24.21.0')
      expect(text).toContain('OS: win32 10.0.26100 (x64)')
      expect(text).toContain('Connection: offline · next try 2026-11-24T09:01:00.000Z')
      expect(text).toContain('Running for 1 h 15 min · window crashes: 1')
      expect(text).toContain('Last errors (3):')
      expect(text).toContain('renderer.unresponsive')
      for (const personal of [token, 'mehdi', 'سلام', 'قرارداد']) expect(text).not.toContain(personal)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
